#!/usr/bin/env python3
"""Write a seeded synthetic campaign history that obeys DOMAIN.md.

    python bench/generate.py --events 100000 --units 200 --output /tmp/big.jsonl

A realistic mix of every record type: every unit holds activities of every kind
(some late), makes commitments that progress, sometimes have their due date
changed and mostly get fulfilled, gets reviews (graded mass evaluations,
inspections with a method), rectifications with extensions (some recorded days
after the last progress report), rejected verifications and escalations, and
awards; units are renamed or change their members count; each leading-group
member keeps a contact point and visits it. Records of one entity come
in order with non-decreasing times; across entities the file is in time order.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
from datetime import date, datetime, timedelta
from typing import Any

START = date(2010, 5, 11)
END = date(2012, 11, 7)
SPAN = (END - START).days
KINDS = [
    "mobilization",
    "implementation_plan",
    "study",
    "party_spirit_education",
    "party_spirit_analysis",
    "post_dedication",
    "serve_masses",
    "show_badge",
    "org_innovation",
    "learn_from_models",
    "summary",
    "mechanism",
    "self_chosen",
]
METHODS = ["report_meeting", "symposium", "supervision", "tour", "random_check"]
# DOMAIN.md's leading group, each member of which keeps a contact point
LEADING_GROUP = {"刘继东": "leader", "任乾": "deputy"} | dict.fromkeys(
    ("张毅", "吴明俊", "马国林", "杨永昌"), "member"
)


def at(day: date, minute: int) -> str:
    moment = datetime(day.year, day.month, day.day, 8, 0) + timedelta(minutes=minute % 600)
    return moment.isoformat() + "+08:00"


def generate(events: int, units: int, seed: int = 2010) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out: list[tuple[date, int, dict[str, Any]]] = []
    seq = 0

    def add(day: date, record: dict[str, Any]) -> None:
        nonlocal seq
        seq += 1
        record.setdefault("id", f"g{seq:08d}")
        out.append((day, seq, record))

    first = START
    add(
        first,
        {"type": "CampaignPlanned", "at": str(first), "campaign": "bench", "title": "基准测试活动"},
    )
    add(
        first,
        {
            "type": "UnitRegistered",
            "at": str(first),
            "unit": "U0",
            "name": "局机关",
            "kind": "bureau",
            "members": 80,
        },
    )
    for n in range(1, units):
        add(
            first,
            {
                "type": "UnitRegistered",
                "at": str(first),
                "unit": f"U{n}",
                "name": f"第{n}队",
                "kind": "team",
                "parent": "U0",
                "members": 50,
            },
        )
    for person, role in [*LEADING_GROUP.items(), ("伍宏芝", "office_director")]:
        add(first, {"type": "LeaderAssigned", "at": str(first), "person": person, "role": role})
    contact = {
        person: f"U{rng.randrange(1, units)}" if units > 1 else "U0" for person in LEADING_GROUP
    }
    for person, point in contact.items():
        add(
            first,
            {"type": "ContactPointAssigned", "at": str(first), "person": person, "unit": point},
        )
    entity = 0
    while len(out) < events:
        unit = f"U{rng.randrange(units)}"
        day = START + timedelta(days=rng.randrange(SPAN))
        roll = rng.random()
        minute = rng.randrange(600)
        if roll < 0.004 and unit != "U0":
            update: dict[str, Any] = {"type": "UnitUpdated", "at": at(day, minute), "unit": unit}
            update["members"] = rng.randrange(20, 90)
            if rng.random() < 0.2:
                update["name"] = f"第{unit[1:]}地质队"
            add(day, update)
        elif roll < 0.015:
            person = rng.choice(list(LEADING_GROUP))
            visit = {"type": "ContactVisitMade", "at": at(day, minute), "person": person}
            add(day, visit | {"unit": contact[person], "note": "调研指导"})
        elif roll < 0.55:
            add(
                day,
                {
                    "type": "ActivityHeld",
                    "at": at(day, minute),
                    "unit": unit,
                    "kind": rng.choice(KINDS),
                    "title": "活动",
                    "participants": rng.randrange(80),
                },
            )
        elif roll < 0.72:
            review: dict[str, Any] = {"type": "ReviewRecorded", "at": at(day, minute), "unit": unit}
            if rng.random() < 0.5:
                review |= {
                    "kind": "mass_evaluation",
                    "grade": rng.choice(["advanced", "middle", "lagging"]),
                    "ratings": {"leadership": rng.randint(1, 5), "members": rng.randint(1, 5)},
                }
            else:
                review |= {
                    "kind": "inspection",
                    "method": rng.choice(METHODS),
                    "verdict": rng.choice(["commend", "ok", "criticize"]),
                }
            add(day, review)
        elif roll < 0.86:
            entity += 1
            code = f"C{entity}"
            due = day + timedelta(days=rng.randrange(30, 400))
            add(
                day,
                {
                    "type": "CommitmentMade",
                    "at": at(day, minute),
                    "commitment": code,
                    "unit": unit,
                    "text": "承诺事项",
                    "due": str(due),
                },
            )
            step = day
            for _ in range(rng.randrange(3)):
                step += timedelta(days=rng.randrange(1, 60))
                add(
                    step,
                    {
                        "type": "CommitmentProgressed",
                        "at": at(step, minute),
                        "commitment": code,
                        "note": "进展",
                    },
                )
            if rng.random() < 0.12:  # a new due date (any, before fulfilment), days later
                step += timedelta(days=rng.randrange(1, 30))
                due += timedelta(days=rng.choice((-10, 30, 60, 90)))
                add(
                    step,
                    {
                        "type": "CommitmentDueChanged",
                        "at": at(step, minute),
                        "commitment": code,
                        "due": str(due),
                        "reason": "工作调整",
                    },
                )
            if rng.random() < 0.85:
                step += timedelta(days=rng.randrange(1, 90))
                add(
                    step,
                    {"type": "CommitmentFulfilled", "at": at(step, minute), "commitment": code},
                )
        elif roll < 0.97:
            entity += 1
            code = f"R{entity}"
            deadline = day + timedelta(days=rng.randrange(20, 120))
            add(
                day,
                {
                    "type": "RectificationOpened",
                    "at": at(day, minute),
                    "rectification": code,
                    "unit": unit,
                    "issue": "问题",
                    "deadline": str(deadline),
                    "owner": "甲",
                    "supervised": rng.random() < 0.2,
                },
            )
            step = day + timedelta(days=rng.randrange(1, 30))
            add(
                step,
                {
                    "type": "RectificationProgressed",
                    "at": at(step, minute),
                    "rectification": code,
                    "note": "整改中",
                },
            )
            if rng.random() < 0.2:  # the same day as the progress report, or up to two weeks on
                step += timedelta(days=rng.randrange(15))
                deadline += timedelta(days=30)
                add(
                    step,
                    {
                        "type": "RectificationDeadlineExtended",
                        "at": at(step, minute),
                        "rectification": code,
                        "deadline": str(deadline),
                        "reason": "延期",
                    },
                )
            if rng.random() < 0.1:  # after the deadline, and after the progress report
                step = max(step, deadline + timedelta(days=rng.randrange(1, 20)))
                add(
                    step,
                    {
                        "type": "RectificationEscalated",
                        "at": at(step, minute),
                        "rectification": code,
                        "action": "public_criticism",
                    },
                )
            step += timedelta(days=rng.randrange(1, 60))
            add(
                step,
                {"type": "RectificationCompleted", "at": at(step, minute), "rectification": code},
            )
            step += timedelta(days=rng.randrange(1, 10))
            accepted = rng.random() < 0.9
            add(
                step,
                {
                    "type": "RectificationVerified",
                    "at": at(step, minute),
                    "rectification": code,
                    "accepted": accepted,
                    "verifier": "乙",
                },
            )
        else:
            add(
                day,
                {
                    "type": "CommendationAwarded",
                    "at": at(day, minute),
                    "unit": unit,
                    "title": "advanced_org",
                    "level": "bureau",
                },
            )
    out.sort(key=lambda item: (item[0], item[1]))
    return [record for _, _, record in out[:events]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--output", default="-")
    args = parser.parse_args()
    records = generate(args.events, args.units, args.seed)
    with contextlib.ExitStack() as stack:
        handle = sys.stdout
        if args.output != "-":
            handle = stack.enter_context(open(args.output, "w", encoding="utf-8"))
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
