#!/usr/bin/env python3
"""Write events/examples/<Type>.jsonl: one small, importable file per event type.

    python3 events/make_examples.py

Every file imports on its own into an empty store: it starts with the few
prerequisite records it needs, taken from SHARED below.  Those shared records
are byte-for-byte the same (same id, same content) in every file, so all the
files can also be imported one after another into one store: the repeated
prerequisites are skipped.  Everything else has ids and entity ids prefixed by
the file's type name, so no two files collide.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

OUT = Path(__file__).with_name("examples")
CAMPAIGN = "cxzy-2010-example"

SHARED = {
    "campaign": {
        "type": "CampaignPlanned",
        "at": "2010-05-11T08:30:00+08:00",
        "id": "ex-shared-campaign",
        "by": "伍宏芝",
        "campaign": CAMPAIGN,
        "title": "创先争优活动(示例)",
        "template": "cxzy-2010",
        "timezone": "Asia/Shanghai",
        "phases": [
            {"key": "mobilize", "start": "2010-05-11", "end": "2010-05-31"},
            {"key": "compete", "start": "2010-06-01", "end": "2011-06-30"},
            {"key": "rectify", "start": "2011-07-01", "end": "2012-06-30"},
            {"key": "summarize", "start": "2012-07-01", "end": "2012-11-07"},
        ],
    },
    "JU": {
        "type": "UnitRegistered",
        "at": "2010-05-11T09:00:00+08:00",
        "id": "ex-shared-unit-ju",
        "by": "冶美琴",
        "unit": "JU",
        "name": "局机关",
        "kind": "bureau",
        "members": 86,
    },
    "133": {
        "type": "UnitRegistered",
        "at": "2010-05-11T09:00:00+08:00",
        "id": "ex-shared-unit-133",
        "by": "冶美琴",
        "unit": "133",
        "name": "一三三队",
        "kind": "team",
        "parent": "JU",
        "members": 142,
    },
    "leader": {
        "type": "LeaderAssigned",
        "at": "2010-05-11T09:30:00+08:00",
        "id": "ex-shared-leader-liujidong",
        "by": "冶美琴",
        "person": "刘继东",
        "role": "leader",
    },
}
UNITS = ["campaign", "JU", "133"]


def rec(type_: str, at: str, id_: str, by: str | None = None, **fields) -> dict:
    out = {"type": type_, "at": at, "id": id_}
    if by:
        out["by"] = by
    out.update(fields)
    return out


def made(
    prefix: str, cid: str, at: str = "2010-05-25T10:00:00+08:00", due: str = "2011-06-30"
) -> dict:
    return rec(
        "CommitmentMade",
        at,
        f"{prefix}-made",
        "陈志刚",
        commitment=cid,
        unit="133",
        text="完成靖远矿区深部煤炭资源勘查野外施工任务",
        due=due,
    )


def opened(prefix: str, rid: str, deadline: str = "2011-03-31", owner: str = "陈志刚") -> dict:
    return rec(
        "RectificationOpened",
        "2011-01-05T09:00:00+08:00",
        f"{prefix}-opened",
        "卢毓锡",
        rectification=rid,
        unit="133",
        issue="党员先锋岗考核记录不全",
        deadline=deadline,
        source="rv-ex-201012-me-133",
        owner=owner,
    )


# file name → (comment, prerequisites from SHARED, own records)
FILES: dict[str, tuple[str, list[str], list[dict]]] = {
    "CampaignPlanned": (
        "CampaignPlanned with every optional field (template, timezone, phases overriding "
        "the windows; here the overrides repeat the template's own windows). "
        "It is the first record of any store.",
        ["campaign"],
        [],
    ),
    "UnitRegistered": (
        "UnitRegistered: the bureau (no parent), a team under it, an institute with members, "
        "and an "
        "office without a members count.",
        UNITS,
        [
            rec(
                "UnitRegistered",
                "2010-05-11T09:05:00+08:00",
                "ex-unit-registered-1",
                "冶美琴",
                unit="YJS",
                name="地质研究所",
                kind="institute",
                parent="JU",
                members=64,
            ),
            rec(
                "UnitRegistered",
                "2010-05-11",
                "ex-unit-registered-2",
                "冶美琴",
                unit="WYB",
                name="物业管理办公室",
                kind="office",
                parent="JU",
            ),
        ],
    ),
    "UnitUpdated": (
        "UnitUpdated: a rename together with a new members count, then a members count alone.",
        ["campaign", "JU"],
        [
            rec(
                "UnitRegistered",
                "2010-05-11T09:10:00+08:00",
                "ex-unit-updated-0",
                "冶美琴",
                unit="DKGS",
                name="地矿公司",
                kind="company",
                parent="JU",
                members=45,
            ),
            rec(
                "UnitUpdated",
                "2011-03-15T11:00:00+08:00",
                "ex-unit-updated-1",
                "冶美琴",
                unit="DKGS",
                name="地矿开发有限公司",
                members=48,
            ),
            rec(
                "UnitUpdated",
                "2012-01-10T11:00:00+08:00",
                "ex-unit-updated-2",
                "冶美琴",
                unit="DKGS",
                members=51,
            ),
        ],
    ),
    "LeaderAssigned": (
        "LeaderAssigned: the leading group's head (shared), its deputy and the office's director.",
        ["campaign", "leader"],
        [
            rec(
                "LeaderAssigned",
                "2010-05-11T09:30:00+08:00",
                "ex-leader-assigned-1",
                "冶美琴",
                person="任乾",
                role="deputy",
            ),
            rec(
                "LeaderAssigned",
                "2010-05-11T09:30:00+08:00",
                "ex-leader-assigned-2",
                "冶美琴",
                person="伍宏芝",
                role="office_director",
            ),
        ],
    ),
    "ContactPointAssigned": (
        "ContactPointAssigned: a leading-group member takes a unit as contact point "
        "(the person needs a LeaderAssigned first).",
        [*UNITS, "leader"],
        [
            rec(
                "ContactPointAssigned",
                "2010-05-14T10:00:00+08:00",
                "ex-contact-point-assigned-1",
                "冶美琴",
                person="刘继东",
                unit="133",
            ),
        ],
    ),
    "ContactVisitMade": (
        "ContactVisitMade: a visit with a note, and one without "
        "(the person needs a LeaderAssigned first).",
        [*UNITS, "leader"],
        [
            rec(
                "ContactVisitMade",
                "2010-06-18T10:00:00+08:00",
                "ex-contact-visit-made-1",
                "李学仁",
                person="刘继东",
                unit="133",
                note="参加联系点党员大会并讲话",
            ),
            rec(
                "ContactVisitMade",
                "2010-10-21T15:00:00",
                "ex-contact-visit-made-2",
                "李学仁",
                person="刘继东",
                unit="133",
            ),
        ],
    ),
    "CommitmentMade": (
        "CommitmentMade: a public commitment (public defaults to true) and a member's own, "
        "non-public one with a person.",
        UNITS,
        [
            rec(
                "CommitmentMade",
                "2010-05-25T10:00:00+08:00",
                "ex-commitment-made-1",
                "陈志刚",
                commitment="EX-CM-1",
                unit="133",
                text="为困难职工家庭办实事10件",
                due="2011-12-31",
            ),
            rec(
                "CommitmentMade",
                "2010-05-27T15:00:00+08:00",
                "ex-commitment-made-2",
                "陈志刚",
                commitment="EX-CM-2",
                unit="133",
                text="带头完成ZK1203孔施工,岩心采取率达到规范要求",
                due="2010-10-31",
                public=False,
                person="郭红旗",
            ),
        ],
    ),
    "CommitmentProgressed": (
        "CommitmentProgressed: two progress notes on one commitment (made first).",
        UNITS,
        [
            made("ex-commitment-progressed", "EX-CP-1"),
            rec(
                "CommitmentProgressed",
                "2010-11-30T17:30:00+08:00",
                "ex-commitment-progressed-1",
                "陈志刚",
                commitment="EX-CP-1",
                note="完成钻探进尺1.8万米,占设计的45%",
            ),
            rec(
                "CommitmentProgressed",
                "2011-03-31T17:30:00+08:00",
                "ex-commitment-progressed-2",
                "陈志刚",
                commitment="EX-CP-1",
                note="完成设计工作量的70%",
            ),
        ],
    ),
    "CommitmentDueChanged": (
        "CommitmentDueChanged: a new due date with the reason "
        "(any new date is allowed before fulfilment).",
        UNITS,
        [
            made("ex-commitment-due-changed", "EX-CD-1"),
            rec(
                "CommitmentDueChanged",
                "2011-06-20T17:30:00+08:00",
                "ex-commitment-due-changed-1",
                "陈志刚",
                commitment="EX-CD-1",
                due="2011-12-31",
                reason="雨季道路冲毁,两台钻机停工两个月,经局批准顺延",
            ),
        ],
    ),
    "CommitmentFulfilled": (
        "CommitmentFulfilled: one with a note, one without; nothing may follow a fulfilment.",
        UNITS,
        [
            made("ex-commitment-fulfilled", "EX-CF-1"),
            rec(
                "CommitmentFulfilled",
                "2011-06-28T17:30:00+08:00",
                "ex-commitment-fulfilled-1",
                "陈志刚",
                commitment="EX-CF-1",
                note="野外施工全部完成",
            ),
            rec(
                "CommitmentMade",
                "2010-05-26T10:00:00+08:00",
                "ex-commitment-fulfilled-made-2",
                "陈志刚",
                commitment="EX-CF-2",
                unit="133",
                text="党员技术骨干与青年职工师带徒结对20对",
                due="2010-12-31",
            ),
            rec(
                "CommitmentFulfilled",
                "2010-12-20",
                "ex-commitment-fulfilled-2",
                "陈志刚",
                commitment="EX-CF-2",
            ),
        ],
    ),
    "ActivityHeld": (
        "ActivityHeld: a prescribed activity with participants and an activity id, "
        "a self-chosen one, "
        "and the bureau's exhibition dated by day only.",
        UNITS,
        [
            rec(
                "ActivityHeld",
                "2010-06-25T15:00:00+08:00",
                "ex-activity-held-1",
                "陈志刚",
                unit="133",
                kind="party_spirit_analysis",
                title="在职在岗党员撰写党性分析报告,召开专题组织生活会",
                participants=121,
                activity="EX-ACT-1",
            ),
            rec(
                "ActivityHeld",
                "2010-09-10T09:00:00",
                "ex-activity-held-2",
                "陈志刚",
                unit="133",
                kind="self_chosen",
                title="“党员钻机”劳动竞赛启动",
            ),
            rec(
                "ActivityHeld",
                "2012-09-26",
                "ex-activity-held-3",
                "刘宏",
                unit="JU",
                kind="exhibition",
                title="举办创先争优活动图片展暨“机关作风建设年”活动成果展",
                participants=320,
            ),
        ],
    ),
    "ReviewRecorded": (
        "ReviewRecorded: a graded mass evaluation with the five-goods ratings, an inspection "
        "(method required) with a verdict, and a bare leader commentary.",
        UNITS,
        [
            rec(
                "ReviewRecorded",
                "2010-12-20T15:00:00+08:00",
                "ex-review-recorded-1",
                "王建新",
                unit="133",
                kind="mass_evaluation",
                review="EX-REV-1",
                reviewer="局创先争优活动领导小组办公室",
                grade="advanced",
                ratings={
                    "leadership": 5,
                    "members": 4,
                    "mechanism": 4,
                    "performance": 5,
                    "reputation": 5,
                },
                note="年终群众评议:先进",
            ),
            rec(
                "ReviewRecorded",
                "2011-03-08T10:00:00+08:00",
                "ex-review-recorded-2",
                "王建新",
                unit="133",
                kind="inspection",
                review="EX-REV-2",
                reviewer="刘继东",
                method="random_check",
                verdict="commend",
                note="随机抽查:党员先锋岗作用突出",
            ),
            rec(
                "ReviewRecorded",
                "2012-10-30T15:00:00+08:00",
                "ex-review-recorded-3",
                None,
                unit="JU",
                kind="leader_commentary",
            ),
        ],
    ),
    "RectificationOpened": (
        "RectificationOpened: a supervised one (挂牌督办) with source and owner, "
        "and a minimal one.",
        UNITS,
        [
            rec(
                "RectificationOpened",
                "2011-01-05T09:00:00+08:00",
                "ex-rectification-opened-1",
                "卢毓锡",
                rectification="EX-RO-1",
                unit="133",
                issue="野外项目部党员长期未参加“三会一课”",
                deadline="2011-03-31",
                source="rv-ex-201012-me-133",
                owner="陈志刚",
                supervised=True,
            ),
            rec(
                "RectificationOpened",
                "2011-01-05T09:10:00+08:00",
                "ex-rectification-opened-2",
                "卢毓锡",
                rectification="EX-RO-2",
                unit="JU",
                issue="学习实践活动整改遗留:公文办理时限长",
                deadline="2011-06-30",
            ),
        ],
    ),
    "RectificationProgressed": (
        "RectificationProgressed: progress notes while the rectification is open.",
        UNITS,
        [
            opened("ex-rectification-progressed", "EX-RP-1"),
            rec(
                "RectificationProgressed",
                "2011-01-25T17:00:00+08:00",
                "ex-rectification-progressed-1",
                "陈志刚",
                rectification="EX-RP-1",
                note="修订党员先锋岗考核办法",
            ),
            rec(
                "RectificationProgressed",
                "2011-03-05T17:00:00+08:00",
                "ex-rectification-progressed-2",
                "陈志刚",
                rectification="EX-RP-1",
                note="补齐2010年考核记录",
            ),
        ],
    ),
    "RectificationDeadlineExtended": (
        "RectificationDeadlineExtended: the new deadline must be later than the current one; "
        "a reason is required.",
        UNITS,
        [
            opened("ex-rectification-deadline-extended", "EX-RX-1"),
            rec(
                "RectificationDeadlineExtended",
                "2011-03-25T10:00:00+08:00",
                "ex-rectification-deadline-extended-1",
                "陈志刚",
                rectification="EX-RX-1",
                deadline="2011-05-31",
                reason="主要党员在新疆项目野外施工,5月返队后集中整改",
            ),
        ],
    ),
    "RectificationCompleted": (
        "RectificationCompleted: the unit reports the rectification done "
        "(it still needs verification).",
        UNITS,
        [
            opened("ex-rectification-completed", "EX-RC-1"),
            rec(
                "RectificationCompleted",
                "2011-03-28T17:00:00+08:00",
                "ex-rectification-completed-1",
                "陈志刚",
                rectification="EX-RC-1",
                note="整改完成,申请验收",
            ),
        ],
    ),
    "RectificationVerified": (
        "RectificationVerified: rejected (re-opens it), reworked, completed again "
        "and accepted (closes it). "
        "The verifier must not be the owner.",
        UNITS,
        [
            opened("ex-rectification-verified", "EX-RV-1"),
            rec(
                "RectificationCompleted",
                "2011-03-28T17:00:00+08:00",
                "ex-rectification-verified-completed-1",
                "陈志刚",
                rectification="EX-RV-1",
                note="整改完成,申请验收",
            ),
            rec(
                "RectificationVerified",
                "2011-04-12T11:00:00+08:00",
                "ex-rectification-verified-1",
                "伍宏芝",
                rectification="EX-RV-1",
                accepted=False,
                verifier="任乾",
                note="抽查2个机台仍无考核记录,退回重新整改",
            ),
            rec(
                "RectificationProgressed",
                "2011-05-06T17:00:00+08:00",
                "ex-rectification-verified-progressed-1",
                "陈志刚",
                rectification="EX-RV-1",
                note="逐机台补建考核记录",
            ),
            rec(
                "RectificationCompleted",
                "2011-05-26T17:00:00+08:00",
                "ex-rectification-verified-completed-2",
                "陈志刚",
                rectification="EX-RV-1",
            ),
            rec(
                "RectificationVerified",
                "2011-06-10T10:00:00+08:00",
                "ex-rectification-verified-2",
                "伍宏芝",
                rectification="EX-RV-1",
                accepted=True,
                verifier="任乾",
                note="复查合格,同意销号",
            ),
        ],
    ),
    "RectificationEscalated": (
        "RectificationEscalated: public criticism after the deadline has passed, "
        "then accountability "
        "(which needs the public criticism first).",
        UNITS,
        [
            opened("ex-rectification-escalated", "EX-RE-1"),
            rec(
                "RectificationEscalated",
                "2011-04-11T15:00:00+08:00",
                "ex-rectification-escalated-1",
                "伍宏芝",
                rectification="EX-RE-1",
                action="public_criticism",
                note="局党委通报批评",
            ),
            rec(
                "RectificationEscalated",
                "2011-06-15T15:00:00+08:00",
                "ex-rectification-escalated-2",
                "伍宏芝",
                rectification="EX-RE-1",
                action="accountability",
                note="对队党委主要负责人诫勉谈话",
            ),
        ],
    ),
    "CommendationAwarded": (
        "CommendationAwarded: an advanced organisation at bureau level, "
        "an excellent member (with person) "
        "at province level, and a model at central level.",
        UNITS,
        [
            rec(
                "CommendationAwarded",
                "2011-06-28T09:30:00+08:00",
                "ex-commendation-awarded-1",
                "冶美琴",
                unit="133",
                title="advanced_org",
                level="bureau",
            ),
            rec(
                "CommendationAwarded",
                "2011-06-27T09:30:00+08:00",
                "ex-commendation-awarded-2",
                "冶美琴",
                unit="133",
                title="excellent_member",
                level="province",
                person="郭红旗",
            ),
            rec(
                "CommendationAwarded",
                "2012-06-29",
                "ex-commendation-awarded-3",
                "冶美琴",
                unit="133",
                title="model",
                level="central",
            ),
        ],
    ),
}


def line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


def kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for name, (comment, needs, records) in FILES.items():
        prefix = "ex-" + kebab(name)
        for r in records:  # every own id carries the file's prefix
            assert r["id"].startswith(prefix), (name, r["id"])
        body = [
            "# " + comment,
            "# Importable alone into an empty store, or after the other example files "
            "into the same one "
            "(the ex-shared-* records are identical everywhere).",
        ]
        body += [line(SHARED[k]) for k in needs] + [line(r) for r in records]
        (OUT / f"{name}.jsonl").write_text("\n".join(body) + "\n", encoding="utf-8")
    print(f"wrote {len(FILES)} files to {OUT}")
