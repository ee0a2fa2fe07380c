"""Campaign templates: phases, windows and checklists as data.

A template is parsed from a plain mapping (the application loads it from a TOML
file); :func:`parse_template` checks it and names the place of any mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from cxzy.domain.characters import cells, code_points, unseen_in
from cxzy.domain.errors import Listed, TemplateError, Violation
from cxzy.domain.moments import campaign_zone

#: Predicates an item may use, with the target each needs.
HAS_ACTIVITY = "activity"
HAS_REVIEW = "review"
HAS_PUBLIC_COMMITMENT = "public_commitment"
ALL_RECTIFICATIONS_CLOSED = "rectifications"
ALL_COMMITMENTS_FULFILLED = "commitments"

REVIEW_KINDS = ("mass_evaluation", "superior_assessment", "leader_commentary", "inspection")
UNIT_KINDS = ("bureau", "team", "institute", "academy", "company", "office")
SELF_CHOSEN = "self_chosen"
# what the plan calls the activities a unit chooses itself (自选动作), in every template
SELF_CHOSEN_NAMES: Mapping[str, str] = {"zh": "自选动作", "en": "Self-chosen activity"}


@dataclass(frozen=True)
class Item:
    key: str
    predicate: str  # "has" predicates: activity / review / public_commitment; or all_closed
    kind: str | None  # activity or review kind for "has" predicates
    all_closed: str | None  # "rectifications" or "commitments"
    deadline: date
    scope: str  # "all" or a unit kind
    name: Mapping[str, str]

    @cached_property  # a status asks every unit's items for it
    def fact(self) -> str | None:
        """The key of the first-occurrence fact a "has" item looks up."""
        if self.all_closed:
            return None
        if self.predicate == HAS_PUBLIC_COMMITMENT:
            return "commitment:public"
        return f"{self.predicate}:{self.kind}"

    def applies_to(self, unit_kind: str) -> bool:
        return self.scope == "all" or self.scope == unit_kind


@dataclass(frozen=True)
class Phase:
    key: str
    name: Mapping[str, str]
    start: date
    end: date
    items: tuple[Item, ...]
    short: Mapping[str, str] = field(default_factory=dict)  # for narrow columns

    def items_for(self, unit_kind: str) -> tuple[Item, ...]:
        found = self._items_by_kind.get(unit_kind)
        if found is None:
            found = tuple(item for item in self.items if item.applies_to(unit_kind))
            self._items_by_kind[unit_kind] = found
        return found

    @cached_property
    def _items_by_kind(self) -> dict[str, tuple[Item, ...]]:
        """items_for's answers (a status asks it for every unit and phase)."""
        return {}


@dataclass(frozen=True)
class Template:
    key: str
    title: Mapping[str, str]
    timezone: str
    late_report_days: int
    phases: tuple[Phase, ...]
    activity_kinds: frozenset[str] = field(default_factory=frozenset)
    #: how many days before its first phase a record may be dated: the history the
    #: campaign takes over (a rectification of the year before); one earlier is a
    #: year typed wrong (2001 for 2011)
    history_days: int = 366

    @property
    def late_after(self) -> int:
        """Seconds a record may take from happening to recording before it is
        reported late (``late_report_days``, strictly more: 7 days and a second is)."""
        return self.late_report_days * 86_400

    def days_late(self, delay: int) -> int | None:
        """Whole days a record took from happening to recording (``delay`` seconds),
        when it was reported late; None when on time. Whole seconds, as the read
        model keeps the delay that ``status --audit`` counts. With a template of 0
        days, a record recorded hours later is late by 0 whole days, not on time."""
        return delay // 86_400 if delay > self.late_after else None

    @cached_property
    def first_day(self) -> date:
        """The campaign's first day: its earliest phase's start. A campaign's own
        windows may overlap and need not keep the template's order (decision 92)."""
        return min(p.start for p in self.phases)

    @cached_property
    def last_day(self) -> date:
        """The campaign's last day: its latest phase's end (a phase's window moved
        on may end after the last phase's)."""
        return max(p.end for p in self.phases)

    @cached_property
    def activity_kind_names(self) -> dict[str, Mapping[str, str]]:
        """Each activity kind the campaign counts, in the template's order, with the
        name (by language) of its first item: a kind listed only under
        ``activity_kinds`` has no name, and ``self_chosen`` is not here."""
        named: dict[str, Mapping[str, str]] = {}
        for phase in self.phases:
            for item in phase.items:
                if item.predicate == HAS_ACTIVITY and item.kind:
                    named.setdefault(item.kind, item.name)
        return named

    @cached_property
    def kind_names(self) -> dict[str, Mapping[str, str]]:
        """Every activity kind a record may give that has a name, with its names:
        the template's items' (:attr:`activity_kind_names`), then ``self_chosen``."""
        return {**self.activity_kind_names, SELF_CHOSEN: SELF_CHOSEN_NAMES}

    def kind_label(self, kind: str, lang: str) -> str:
        """An activity kind in words: the name of the checklist item it satisfies (a
        kind only listed has none: its code)."""
        names = self.kind_names.get(kind)
        return names.get(lang, kind) if names else kind

    def phase(self, key: str) -> Phase:
        for phase in self.phases:
            if phase.key == key:
                return phase
        raise KeyError(key)

    def with_windows(self, windows: Mapping[str, tuple[date, date]]) -> Template:
        """The template with some phase windows replaced (``CampaignPlanned.phases``).

        Item deadlines that were the phase's last day move with it. An explicit
        deadline is a day of the year ("七一前夕", the eve of 1 July): it moves to
        that day's first date in the new window, or to its last day when the
        window holds none (a deadline left where it was would lie outside the
        window: a 2019 campaign's analysis "missed" in 2010).
        """
        phases = []
        for phase in self.phases:
            if phase.key not in windows or windows[phase.key] == (phase.start, phase.end):
                phases.append(phase)
                continue
            start, end = windows[phase.key]
            items = tuple(
                replace(
                    item,
                    deadline=end
                    if item.deadline == phase.end
                    else _same_day_within(item.deadline, start, end),
                )
                for item in phase.items
            )
            phases.append(replace(phase, start=start, end=end, items=items))
        return replace(self, phases=tuple(phases))


def _same_day_within(day: date, start: date, end: date) -> date:
    """The first date from ``start`` on with ``day``'s month and day, if by ``end``;
    else ``end``."""
    for year in range(start.year, end.year + 1):
        try:
            found = day.replace(year=year)
        except ValueError:  # 29 February, in a year without one
            continue
        if start <= found <= end:
            return found
    return end


#: What a campaign is planned on at the most: more phases than a screen shows (2,000
#: phases were taken: the dashboard's timeline filled a whole screen), more items
#: than a unit's checklist holds, days late or of history that overflow a figure.
MOST_PHASES = 20
MOST_ITEMS = 50
MOST_DAYS = {"late_report_days": 366, "history_days": 3660}
#: The languages a name is written in
LANGUAGES = ("zh", "en")
#: A phase's short name at the most, in terminal cells: it heads a column of the
#: grid and of the status table, and labels the chart (a phase named by a sentence
#: and no short name made a grid column 46 cells wide, the chart's shares unseen)
SHORT_CELLS = 16

#: Where in a template a mistake is: its source, then a phase, then an item.
Where = tuple[Violation, ...]

#: The settings each level of a template takes (a typo, "late_report_day", was
#: taken for no setting at all: 7 days, unsaid)
TEMPLATE_SETTINGS = (
    "key",
    "title",
    "timezone",
    "late_report_days",
    "history_days",
    "phases",
    "activity_kinds",
)
PHASE_SETTINGS = ("key", "name", "short", "start", "end", "items")
ITEM_SETTINGS = ("key", "has", "kind", "all_closed", "deadline", "scope", "name")


def _settings_known(
    raw: Mapping[str, Any], known: tuple[str, ...], where: Where, strict: bool
) -> None:
    unknown = sorted(set(raw) - set(known)) if strict else []
    if unknown:
        raise TemplateError(
            where, "tpl.unknown_settings", names=Listed(unknown), known=Listed(known)
        )


def _names(raw: Any, where: Where, setting: str, strict: bool = True) -> Mapping[str, str]:
    """A name by language: a text, or a table ``{ zh = "…", en = "…" }``. ``strict``
    (a campaign planned on it): a name that can be read, on one line, in a
    language of the interface (one in ``fr`` alone was a blank name)."""
    if isinstance(raw, str):
        names = {"zh": raw, "en": raw}
    elif isinstance(raw, Mapping) and all(isinstance(v, str) for v in raw.values()):
        names = dict(raw)
        if strict and not set(names) <= set(LANGUAGES):
            unknown = sorted(set(names) - set(LANGUAGES))
            raise TemplateError(where, "tpl.name_languages", setting=setting, names=Listed(unknown))
    else:
        raise TemplateError(where, "tpl.name_not_text", setting=setting)
    names.setdefault("en", names.get("zh", ""))
    names.setdefault("zh", names["en"])
    if strict:
        for text in names.values():
            if not text.strip():
                raise TemplateError(where, "tpl.name_empty", setting=setting)
            unseen = unseen_in(text)
            if unseen:
                raise TemplateError(
                    where, "tpl.name_unseen", setting=setting, chars=code_points(unseen)
                )
    return names


def _key(raw: Any, strict: bool) -> bool:
    """Whether ``raw`` may key a phase or an item: a text; ``strict``, one a script
    can name (not empty, no space, nothing unseen: ``:`` and the status JSON name
    phases by it)."""
    if not isinstance(raw, str):
        return False
    if not strict:
        return True
    return bool(raw) and raw.isprintable() and not any(c.isspace() for c in raw)


def _date(raw: Any, where: Where, setting: str) -> date:
    if isinstance(raw, datetime):  # (TOML's date with a time: a date too, to Python)
        raise TemplateError(where, "tpl.date_with_time", setting=setting, value=raw.isoformat())
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise TemplateError(where, "tpl.not_a_date", setting=setting, value=repr(raw))


def _item(raw: Any, phase: Phase, where: Where, index: int, strict: bool) -> Item:
    if not isinstance(raw, Mapping):
        raise TemplateError((*where, Violation("tpl.item", n=index)), "tpl.item_not_table")
    key = raw.get("key")
    if not _key(key, strict) or not key:
        raise TemplateError((*where, Violation("tpl.item", n=index)), "tpl.item_needs_key")
    where = (*where, Violation("tpl.item_key", n=index, key=key))
    _settings_known(raw, ITEM_SETTINGS, where, strict)
    has, all_closed, kind = raw.get("has"), raw.get("all_closed"), raw.get("kind")
    if (has is None) == (all_closed is None):
        raise TemplateError(where, "tpl.has_or_all_closed")
    if has is not None:
        if has not in (HAS_ACTIVITY, HAS_REVIEW, HAS_PUBLIC_COMMITMENT):
            raise TemplateError(where, "tpl.bad_has", value=repr(has))
        if has in (HAS_ACTIVITY, HAS_REVIEW) and not (isinstance(kind, str) and kind):
            raise TemplateError(where, "tpl.has_needs_kind", has=has)
        if has == HAS_REVIEW and kind not in REVIEW_KINDS:
            raise TemplateError(
                where, "tpl.unknown_review_kind", kind=repr(kind), known=Listed(REVIEW_KINDS)
            )
        if has == HAS_ACTIVITY and kind == SELF_CHOSEN:
            raise TemplateError(where, "tpl.self_chosen_item")
    elif all_closed not in (ALL_RECTIFICATIONS_CLOSED, ALL_COMMITMENTS_FULFILLED):
        raise TemplateError(where, "tpl.bad_all_closed", value=repr(all_closed))
    deadline = _date(raw["deadline"], where, "deadline") if "deadline" in raw else phase.end
    if not phase.start <= deadline <= phase.end:
        raise TemplateError(where, "tpl.deadline_outside", deadline=deadline)
    scope = raw.get("scope", "all")
    if scope != "all" and scope not in UNIT_KINDS:
        raise TemplateError(where, "tpl.bad_scope", value=repr(scope), known=Listed(UNIT_KINDS))
    return Item(
        key=key,
        predicate=has or "all_closed",
        kind=kind if has in (HAS_ACTIVITY, HAS_REVIEW) else None,
        all_closed=all_closed,
        deadline=deadline,
        scope=scope,
        name=_names(raw.get("name", key), where, "name", strict),
    )


def parse_template(
    data: Mapping[str, Any], source: Violation | str = "template", *, strict: bool = True
) -> Template:
    """Check a template mapping and build a :class:`Template`; a mistake raises
    :class:`TemplateError`, naming ``source`` (its file, as a message) and the place.

    ``strict``: also refuse what a template may not say but does no harm (a setting
    unknown), as a campaign is planned on it; a template a store keeps is read
    without (a later cxzy, stricter, still reads the stores planned before it)."""
    top: Where = (source if isinstance(source, Violation) else Violation("tpl.named", text=source),)
    key = data.get("key")
    if not isinstance(key, str) or not key:
        raise TemplateError(top, "tpl.missing_key")
    _settings_known(data, TEMPLATE_SETTINGS, top, strict)
    timezone = data.get("timezone", "Asia/Shanghai")
    try:
        campaign_zone(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise TemplateError(top, "tpl.bad_timezone", value=repr(timezone)) from None
    except Violation:
        raise TemplateError(top, "tpl.machine_timezone", value=repr(timezone)) from None
    late = _days(data, "late_report_days", 7, top, strict)
    history = _days(data, "history_days", 366, top, strict)
    raw_phases = data.get("phases")
    if not isinstance(raw_phases, list) or not raw_phases:
        raise TemplateError(top, "tpl.needs_phases")
    if strict and len(raw_phases) > MOST_PHASES:
        raise TemplateError(top, "tpl.too_many_phases", count=len(raw_phases), most=MOST_PHASES)
    phases: list[Phase] = []
    item_keys: set[str] = set()
    for index, raw in enumerate(raw_phases, start=1):
        if not isinstance(raw, Mapping) or not _key(raw.get("key"), strict):
            raise TemplateError((*top, Violation("tpl.phase_n", n=index)), "tpl.phase_needs_key")
        where = (*top, Violation("tpl.phase", phase=raw["key"]))
        _settings_known(raw, PHASE_SETTINGS, where, strict)
        start, end = _date(raw.get("start"), where, "start"), _date(raw.get("end"), where, "end")
        if end < start:
            raise TemplateError(where, "tpl.ends_before_start", start=start, end=end)
        if phases and start <= phases[-1].end:
            raise TemplateError(where, "tpl.starts_before_previous")
        if any(p.key == raw["key"] for p in phases):
            raise TemplateError(where, "tpl.duplicate_phase")
        names = _names(raw.get("name", raw["key"]), where, "name", strict)
        short = _names(raw["short"], where, "short", strict) if "short" in raw else names
        widest = max(short.values(), key=cells)
        if strict and cells(widest) > SHORT_CELLS:
            setting = "short" if "short" in raw else "name"
            raise TemplateError(
                where, "tpl.needs_short", setting=setting, text=widest, most=SHORT_CELLS
            )
        phase = Phase(raw["key"], names, start, end, (), short)
        raw_items = raw.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            raise TemplateError(where, "tpl.needs_items")
        if strict and len(raw_items) > MOST_ITEMS:
            raise TemplateError(where, "tpl.too_many_items", count=len(raw_items), most=MOST_ITEMS)
        items = tuple(_item(r, phase, where, i, strict) for i, r in enumerate(raw_items, 1))
        for item in items:
            if item.key in item_keys:
                raise TemplateError(where, "tpl.item_twice", key=repr(item.key))
            item_keys.add(item.key)
        phases.append(replace(phase, items=items))
    if strict:
        _each_fact_once(phases, top)
    kinds = {i.kind for p in phases for i in p.items if i.predicate == HAS_ACTIVITY}
    extra = data.get("activity_kinds", [])
    if not isinstance(extra, list) or not all(isinstance(k, str) for k in extra):
        raise TemplateError(top, "tpl.bad_activity_kinds")
    return Template(
        key=key,
        title=_names(data.get("title", key), top, "title", strict),
        timezone=timezone,
        late_report_days=late,
        phases=tuple(phases),
        activity_kinds=frozenset(k for k in (*kinds, *extra) if k),
        history_days=history,
    )


def _days(data: Mapping[str, Any], setting: str, default: int, top: Where, strict: bool) -> int:
    """A number of days: whole, not below 0; ``strict``, not beyond :data:`MOST_DAYS`
    (a number of days past SQLite's integers failed every read of the log)."""
    days = data.get(setting, default)
    most = MOST_DAYS[setting]
    if not isinstance(days, int) or isinstance(days, bool) or days < 0 or (strict and days > most):
        raise TemplateError(top, "tpl.bad_days", setting=setting, most=f"{most:,}")
    return days


def _each_fact_once(phases: list[Phase], top: Where) -> None:
    """No two items that some unit has both count the same records: an item is met
    by a unit's first such record, whenever held (DOMAIN.md), so the same kind in
    a later phase was met by the earlier phase's record, months before it began."""
    seen: dict[str, list[tuple[Phase, Item]]] = {}
    for phase in phases:
        for item in phase.items:
            fact = item.fact
            if fact is None:
                continue
            for other_phase, other in seen.get(fact, []):
                if item.scope == "all" or other.scope in ("all", item.scope):
                    where = (*top, Violation("tpl.phase", phase=phase.key))
                    raise TemplateError(
                        where,
                        "tpl.same_records",
                        key=repr(item.key),
                        other=repr(other.key),
                        other_phase=other_phase.key,
                        what=" ".join(filter(None, (item.predicate, item.kind))),
                    )
            seen.setdefault(fact, []).append((phase, item))
