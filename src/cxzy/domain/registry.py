"""Rules across entities: the campaign comes first, units and people must be
known before records name them (in the log and by the day: a record does not
happen before the unit it names was registered), at most one bureau."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from cxzy.domain.errors import Choices, Violation
from cxzy.domain.moments import halfwidth
from cxzy.domain.template import SELF_CHOSEN, Template


@dataclass(frozen=True)
class CampaignInfo:
    code: str
    template: Template  # with the campaign's own phase windows
    timezone: str


@dataclass
class Registry:
    """What an import must know of the store to check references."""

    campaign: CampaignInfo | None = None
    units: dict[str, str] = field(default_factory=dict)  # code → kind
    people: set[str] = field(default_factory=set)
    registered_on: dict[str, date] = field(default_factory=dict)  # unit → its day
    parents: dict[str, str | None] = field(default_factory=dict)  # unit → its parent
    assigned_on: dict[str, date] = field(default_factory=dict)  # person → first role's day
    # each name a unit bore → the codes of the units that bore it (a name typed
    # where a code goes is told as such: "综合普查队" is ZP's name)
    unit_names: dict[str, set[str]] = field(default_factory=dict)

    def require_campaign(self) -> CampaignInfo:
        if self.campaign is None:
            raise Violation("no_campaign")
        return self.campaign

    def require_new_campaign(self, code: str) -> None:
        """A campaign ``code`` may be planned: the store holds none yet (the same one
        planned again with other content is a conflict; another is a second one)."""
        if self.campaign is None:
            return
        if self.campaign.code == code:
            raise Violation("campaign_replanned", key=code)
        raise Violation("second_campaign", campaign=code, existing=self.campaign.code)

    def plan_campaign(self, info: CampaignInfo, day: date) -> None:
        """A campaign planned on ``day``: the store's one, and not after its own last
        day (a 2019 campaign that left out its template ran on the 2010 one's
        windows, every item missed years before it was planned)."""
        self.require_new_campaign(info.code)
        last = info.template.last_day
        if day > last:
            raise Violation(
                "planned_after_campaign",
                day=day.isoformat(),
                last=last.isoformat(),
                template=info.template.key,
            )
        self.campaign = info

    def _held_to_the_day(self, day: date, since: date) -> bool:
        """Whether a record of ``day`` must come after what it names, there ``since``,
        in time too: from the campaign's first day, and before it for what came
        after that day. What came before it (a legacy rectification of the year
        before, of a unit that existed before the campaign and was registered by its
        first day) is the history the campaign took over; a unit registered in 2011
        took over none (its "mobilization" of 2010 was counted done). A unit is
        never registered before its parent, whatever the day."""
        if self.campaign is None:
            return False
        first = self.campaign.template.first_day
        return day >= first or since > first

    def require_since_history(self, day: date) -> None:
        """A record's day is not before the history the campaign takes over (its
        template's ``history_days`` before its first phase): an activity of
        2001-11-16, a year typed wrong, went in with exit 0, years before anything."""
        if self.campaign is None:
            return  # (what names no campaign is refused as such)
        template = self.campaign.template
        first = template.first_day
        if (first - day).days > template.history_days:
            raise Violation(
                "before_history",
                day=day.isoformat(),
                first=first.isoformat(),
                days=template.history_days,
            )

    def require_unit(self, code: str, day: date) -> None:
        """``code`` is a unit registered by ``day``, the day of a record naming it
        (from the campaign's first day: :meth:`_held_to_the_day`)."""
        self.require_campaign()
        if code not in self.units:
            alike = self._alike(code)
            if alike is not None:  # (１４５ typed in a script for 145)
                raise Violation("unknown_unit_alike", unit=code, existing=alike)
            self._require_not_a_name(code)
            raise Violation("unknown_unit", unit=code)
        registered = self.registered_on.get(code)
        if registered is not None and day < registered and self._held_to_the_day(day, registered):
            raise Violation("unit_registered_later", unit=code, registered=registered.isoformat())

    def name_unit(self, code: str, name: str | None) -> None:
        """``code``'s unit bears ``name`` (registered so, or renamed)."""
        if name:
            self.unit_names.setdefault(name, set()).add(code)

    def _require_not_a_name(self, typed: str) -> None:
        """A unit's name typed where its code goes is refused naming the code."""
        codes = self.unit_names.get(typed)
        if codes:
            named = ", ".join(f"'{c}'" for c in sorted(codes))
            raise Violation("unit_name_for_code", unit=typed, codes=named)

    def _alike(self, code: str) -> str | None:
        """A registered unit whose code differs from ``code`` only in case or width."""
        folded = folded_code(code)
        return next((known for known in self.units if folded_code(known) == folded), None)

    def register_unit(self, code: str, kind: str, parent: str | None, day: date) -> None:
        self.require_campaign()
        if code in self.units:
            raise Violation("unit_registered", unit=code)
        alike = self._alike(code)
        if alike is not None:  # (the dashboard and `log --unit` take a code in any case)
            raise Violation("unit_look_alike", unit=code, existing=alike)
        plain = halfwidth(code)
        if plain != code:  # a unit's workbook could never name it: cells are read so
            raise Violation("unit_full_width", unit=code, plain=plain)
        if parent is not None and parent not in self.units:
            if parent == code:
                raise Violation("unit_own_parent", unit=code)
            alike = self._alike(parent)
            if alike is not None:  # (as a record's unit is told: `lz` for LZ)
                raise Violation("unknown_parent_alike", parent=parent, existing=alike)
            self._require_not_a_name(parent)
            raise Violation("unknown_parent", parent=parent)
        parent_day = self.registered_on.get(parent, day) if parent is not None else day
        if day < parent_day:  # (before the campaign too: the tree is every day's)
            registered = self.registered_on[parent].isoformat()
            raise Violation("parent_registered_later", parent=parent, registered=registered)
        if kind == "bureau":
            bureau = next((c for c, k in self.units.items() if k == "bureau"), None)
            if bureau is not None:
                raise Violation("second_bureau", unit=code, bureau=bureau)
            if parent is not None:  # (the top unit: it was listed under a team)
                raise Violation("bureau_with_parent", unit=code, parent=parent)
        self.units[code] = kind
        self.registered_on[code] = day
        self.parents[code] = parent

    def is_under(self, code: str | None, top: str) -> bool:
        """Whether unit ``code`` is ``top`` or a unit under it."""
        seen: set[str] = set()
        while code is not None and code not in seen:
            if code == top:
                return True
            seen.add(code)
            code = self.parents.get(code)
        return False

    def add_person(self, person: str, day: date) -> None:
        self.require_campaign()
        self.people.add(person)
        self.assigned_on[person] = min(day, self.assigned_on.get(person, day))

    def require_person(self, person: str, day: date) -> None:
        """``person`` holds a role in the leading group by ``day``."""
        self.require_campaign()
        if person not in self.people:
            folded = folded_person(person)
            alike = next((p for p in sorted(self.people) if folded_person(p) == folded), None)
            # ('wang wu' for 'Wang Wu', as a verifier is compared: the import says it,
            # unless this import gives the name as written a role later)
            raise Violation("unknown_person", person=person, alike=alike)
        assigned = self.assigned_on.get(person)
        if assigned is not None and day < assigned and self._held_to_the_day(day, assigned):
            raise Violation("person_assigned_later", person=person, assigned=assigned.isoformat())

    def require_activity_kind(self, kind: str) -> None:
        template = self.require_campaign().template
        if kind != SELF_CHOSEN and kind not in template.activity_kinds:
            wanted = activity_kind_key(kind)
            for code, names in template.kind_names.items():
                if wanted in {activity_kind_key(name) for name in names.values()}:
                    # (a spreadsheet's cell is read so; JSON Lines, or a sheet read
                    # before the store held the campaign, keep the codes)
                    raise Violation("activity_kind_named", kind=kind, named=code)
            codes = tuple(sorted(template.activity_kinds | {SELF_CHOSEN}))
            kinds = Choices("ActivityHeld", "kind", codes, template.kind_names)
            raise Violation("unknown_activity_kind", kind=kind, kinds=kinds)


def activity_kind_key(words: str) -> str:
    """How an activity kind's words are compared: as a code cell is read (full-width
    forms as ASCII), any case, without surrounding spaces."""
    return halfwidth(words).strip().casefold()


def folded_code(code: str) -> str:
    """A unit's code as a reader takes it: in any case, full-width forms as ASCII
    (``jU``, ``ＪＵ`` and ``JU`` are one unit to whoever reads the grid)."""
    return unicodedata.normalize("NFKC", code).casefold()


def folded_person(name: str) -> str:
    """A person's name as one who reads it takes it: in any case and width, spaces
    left out (``王 一`` and ``王一``, ``Li Ming`` and ``li ming`` are one person)."""
    return "".join(folded_code(name).split())
