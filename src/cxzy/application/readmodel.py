"""The read model: tables beside the log, written in the same transaction as the
events they come from, and the queries that status, log and the dashboard use.

Every row keeps the event's *day* (local date of ``at``) and *position* (the
notification id), so one set of tables answers "as of day D" and "as known at
position P" alike, without replaying the log.

The SQL is written once with ``:name`` parameters; :class:`Dialect` adapts it to
SQLite or PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from cxzy.application.chain import GENESIS, content_hash, link
from cxzy.application.totals import DDL as TOTALS_DDL
from cxzy.application.totals import TABLES as TOTALS_TABLES
from cxzy.application.totals import Carryover, Changes, TotalsWriter, write_running
from cxzy.domain.schema import TYPES, digest_of, record_of

# The tracking name: bump it after any change to the tables or what fills them. An
# existing store's tables are made anew only by that rebuild (opening a store
# creates nothing but in a new file: decision 70).
VERSION = 15
READ_MODEL = f"cxzy-read-model-v{VERSION}"
# What an older read model, read as it is by one who may not make it anew, holds:
PERSON_SINCE = 9  # cx_log.person (v14 names a reviewer, an owner, a verifier too)
MARKS_SINCE = 12  # cx_log.marks (v13 marks an activity's kind too)
SAME_FIGURES_SINCE = 12  # this version's tables and figures, the log's marks aside
STORE_FORMAT = "cxzy-store-1"
ALL = 2**62  # "no limit" for positions

# The moment each import committed, for its positions first_pos … last_pos: its
# records carry the moment it took the store (one for all: decision 145), and "as
# known at" a moment before the commit must not count them, which no reader could
# see then (decision 164). Written just before the commit, so a moment or so early.
# Not made from the log: a rebuild keeps it (it is not in TABLES), and a store
# without it (written before it, or by the demo, whose records carry their own
# moments) is read by its records' moments alone.
COMMITS_DDL = """CREATE TABLE IF NOT EXISTS cx_commits (
    last_pos BIGINT PRIMARY KEY, first_pos BIGINT NOT NULL, committed TEXT NOT NULL)"""

DDL = [
    "CREATE TABLE IF NOT EXISTS cx_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS cx_log (
        pos BIGINT PRIMARY KEY, record_id TEXT NOT NULL UNIQUE, digest TEXT NOT NULL,
        type TEXT NOT NULL, unit TEXT, entity TEXT, at TEXT NOT NULL, day TEXT NOT NULL,
        recorded TEXT NOT NULL, delay BIGINT NOT NULL, by_whom TEXT, origin TEXT,
        summary TEXT, person TEXT, marks TEXT)""",
    "CREATE INDEX IF NOT EXISTS ix_log_recorded ON cx_log (recorded)",
    "CREATE INDEX IF NOT EXISTS ix_log_unit ON cx_log (unit, pos)",
    "CREATE INDEX IF NOT EXISTS ix_log_type ON cx_log (type, pos)",
    "CREATE INDEX IF NOT EXISTS ix_log_entity ON cx_log (entity)",
    """CREATE TABLE IF NOT EXISTS cx_campaign (
        campaign TEXT PRIMARY KEY, title TEXT NOT NULL, template TEXT NOT NULL,
        timezone TEXT NOT NULL, phases TEXT, pos BIGINT NOT NULL, day TEXT NOT NULL,
        template_text TEXT)""",
    """CREATE TABLE IF NOT EXISTS cx_units (
        unit TEXT NOT NULL, pos BIGINT NOT NULL, at TEXT NOT NULL, day TEXT NOT NULL,
        name TEXT, kind TEXT, parent TEXT, members BIGINT, registered INTEGER NOT NULL,
        PRIMARY KEY (unit, pos))""",
    """CREATE TABLE IF NOT EXISTS cx_people (
        person TEXT NOT NULL, pos BIGINT NOT NULL, day TEXT NOT NULL, role TEXT NOT NULL,
        PRIMARY KEY (person, pos))""",
    """CREATE TABLE IF NOT EXISTS cx_contacts (
        person TEXT NOT NULL, unit TEXT NOT NULL, pos BIGINT NOT NULL, day TEXT NOT NULL,
        PRIMARY KEY (unit, pos))""",
    # (the key's columns first: with ``day`` before ``pos``, SQLite 3.40's integrity
    # check reported every row of the table, kept in key order, as a NULL day)
    """CREATE TABLE IF NOT EXISTS cx_firsts (
        unit TEXT NOT NULL, fact TEXT NOT NULL, pos BIGINT NOT NULL, day TEXT NOT NULL,
        PRIMARY KEY (unit, fact, pos))""",
    """CREATE TABLE IF NOT EXISTS cx_entities (
        entity TEXT PRIMARY KEY, kind TEXT NOT NULL, code TEXT NOT NULL, unit TEXT NOT NULL,
        opened_day TEXT NOT NULL, opened_pos BIGINT NOT NULL,
        closed_day TEXT, closed_pos BIGINT, supervised INTEGER NOT NULL,
        escalated_day TEXT, escalated_pos BIGINT,
        deadline TEXT NOT NULL, deadline_day TEXT NOT NULL, deadline_pos BIGINT NOT NULL,
        overdue_from TEXT)""",
    "CREATE INDEX IF NOT EXISTS ix_entities_unit ON cx_entities (kind, opened_day)",
    """CREATE TABLE IF NOT EXISTS cx_deadlines (
        entity TEXT NOT NULL, pos BIGINT NOT NULL, day TEXT NOT NULL, deadline TEXT NOT NULL,
        PRIMARY KEY (entity, pos))""",
    """CREATE TABLE IF NOT EXISTS cx_grades (
        unit TEXT NOT NULL, at TEXT NOT NULL, pos BIGINT NOT NULL, day TEXT NOT NULL,
        grade TEXT NOT NULL, PRIMARY KEY (unit, at, pos))""",
    # The hash chain (see cxzy.application.chain): ``content`` is the stored event's
    # content hash, ``hash`` the link; ``rebuilt`` = 1 when the link was computed
    # by a rebuild of the read model rather than in the transaction that wrote it.
    """CREATE TABLE IF NOT EXISTS cx_chain (
        pos BIGINT PRIMARY KEY, content TEXT NOT NULL, hash TEXT NOT NULL,
        rebuilt INTEGER NOT NULL)""",
    # Records that happened before the latest day of an earlier record (the frontier):
    # "as known at" an earlier position looks for them (cxzy.application.known)
    "CREATE TABLE IF NOT EXISTS cx_late (pos BIGINT PRIMARY KEY, day TEXT NOT NULL)",
    COMMITS_DDL,
    """CREATE TABLE IF NOT EXISTS cx_awards (
        unit TEXT NOT NULL, pos BIGINT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (unit, pos))""",
    "CREATE INDEX IF NOT EXISTS ix_firsts_day ON cx_firsts (unit, fact, day, pos)",
    "CREATE INDEX IF NOT EXISTS ix_awards_day ON cx_awards (day)",
    # covering: a status reads each unit's latest grade by a day from the index alone
    "CREATE INDEX IF NOT EXISTS ix_grades_day ON cx_grades (unit, day, at, pos, grade)",
    # covering: the latest grades of all units by a day, read back from it
    "CREATE INDEX IF NOT EXISTS ix_grades_recent ON cx_grades (day, at, pos, unit, grade)",
    "CREATE INDEX IF NOT EXISTS ix_entities_escalated ON cx_entities (escalated_day)",
    # cx_entities.deadline: the last one recorded, in force from deadline_day on (recorded
    # at deadline_pos); overdue_from: see cxzy.application.totals
    *TOTALS_DDL,
]
TABLES = (  # (made from the log; cx_commits is not, and a rebuild keeps it)
    "cx_log",
    "cx_campaign",
    "cx_units",
    "cx_people",
    "cx_contacts",
    "cx_firsts",
    "cx_entities",
    "cx_deadlines",
    "cx_grades",
    "cx_awards",
    "cx_chain",
    "cx_late",
    *TOTALS_TABLES,
)

_TABLE_BODY = re.compile(r"\s*CREATE TABLE IF NOT EXISTS (?P<table>\w+) \((?P<body>.*)\)\s*", re.S)
_INDEX_NAME = re.compile(r"\s*CREATE INDEX IF NOT EXISTS (?P<index>\w+)")


def _columns_and_key(body: str) -> tuple[frozenset[str], bool]:
    """A CREATE TABLE's column names, and whether it has a primary key."""
    items, depth, part = [], 0, ""
    for char in body:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(part)
            part = ""
        else:
            part += char
    items.append(part)
    words = [item.split()[0].lower() for item in items if item.strip()]
    keyed = "primary key" in body.lower()
    return frozenset(w for w in words if w not in ("primary", "unique")), keyed


def expected_shape(
    tables: Iterable[str],
) -> tuple[dict[str, tuple[frozenset[str], bool]], set[str]]:
    """The columns and primary key of each of ``tables``, and the indexes of all, as
    this version makes them (:data:`DDL`)."""
    wanted = set(tables)
    shapes: dict[str, tuple[frozenset[str], bool]] = {}
    indexes: set[str] = set()
    for statement in DDL:
        if (found := _TABLE_BODY.fullmatch(statement)) and found["table"] in wanted:
            shapes[found["table"]] = _columns_and_key(found["body"])
        elif (index := _INDEX_NAME.match(statement)) is not None:
            indexes.add(index["index"])
    return shapes, indexes


# The frontier at a position: the day of the last record up to it that was not late
# (a late one happened before the latest day of the records before it)
FRONTIER = """SELECT l.day FROM cx_log l WHERE l.pos <= :pos
    AND NOT EXISTS (SELECT 1 FROM cx_late x WHERE x.pos = l.pos) ORDER BY l.pos DESC LIMIT 1"""

# When the chain's links were last computed by a rebuild (verify says so)
_CHAIN_REBUILT = """INSERT INTO cx_meta (key, value) VALUES ('chain_rebuilt', :value)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value"""

# The hash chain across a rebuild of the read model (ReadModel.drop)
_LAST_LINK = "SELECT MAX(pos) FROM cx_chain WHERE pos <= :head"
_CHAIN_AFTER = "DELETE FROM cx_chain WHERE pos > :kept"
_KEEP_CHAIN = """CREATE TABLE cx_chain_kept AS
    SELECT pos, content, hash, rebuilt FROM cx_chain WHERE pos <= :kept"""
_PUT_CHAIN_BACK = """INSERT INTO cx_chain (pos, content, hash, rebuilt)
    SELECT pos, content, hash, rebuilt FROM cx_chain_kept ORDER BY pos"""

# index → (table, column) it needs that an older shape of the table lacks
SHAPED = {name: ("cx_open", "opened_pos") for name in ("ix_open_deadline", "ix_open_moved")}

_PARAM = re.compile(r":([a-z_][a-z0-9_]*)\b")
# read-model tables (indexes are named ix_…), not a name already quoted or qualified:
# a schema of its own named cx_office made "cx_office".cxzy_tracking unreadable
_TABLE = re.compile(r'(?<![".\w])cx_(?=\w)')


# A plain INSERT of one row of named parameters, as the read model writes them
_INSERT = re.compile(
    r"\s*INSERT INTO (?P<table>cx_\w+) \((?P<columns>[^)]*)\)\s*VALUES \((?P<values>[^)]*)\)\s*",
    re.DOTALL,
)


class Dialect:
    """Adapts the read model's SQL to one database's driver."""

    name = "sqlite"
    #: a text search's operator, which finds letters in either case on both
    #: databases (SQLite's LIKE does, for ASCII; PostgreSQL's does not: ILIKE)
    like = "LIKE"
    #: indexes of this database's own, beside :data:`DDL`'s (made where missing)
    own_indexes: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._positional: dict[str, tuple[str, Callable[[Mapping[str, Any]], Any]]] = {}

    def sql(self, statement: str) -> str:
        return statement

    def table(self, name: str) -> str:
        """A table of the store's own that is not the read model's (eventsourcing's)."""
        return name

    def ddl(self, statement: str) -> str:
        """A table as SQLite keeps it best: a position that is the key is the
        table's rowid (only ``INTEGER PRIMARY KEY`` is; ``BIGINT`` makes an index
        beside the rows), and a table with another key is kept in that key's order
        (``WITHOUT ROWID``: no second tree to insert every row into)."""
        found = _CREATE_TABLE.match(statement)
        if found is None:
            return statement
        if found["table"] in _POSITION_KEYED:
            return statement.replace("pos BIGINT PRIMARY KEY", "pos INTEGER PRIMARY KEY")
        return f"{statement} WITHOUT ROWID"

    def write_rows(self, cursor: Any, statement: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run a statement once per row of parameters, bound by position: sqlite3
        looks each named parameter up in each row, a third of an insert's time."""
        found = self._positional.get(statement)
        if found is None:
            names = _PARAM.findall(statement)
            values = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
            found = self._positional[statement] = (_PARAM.sub("?", statement), values)
        positional, values = found
        cursor.executemany(positional, map(values, rows))

    def has_column(self, cursor: Any, table: str, column: str) -> bool:
        cursor.execute("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?", (table, column))
        return bool(cursor.fetchone()[0])

    def shape_intact(self, cursor: Any, tables: Sequence[str]) -> bool:
        """(SQLite's tables are made anew by a rebuild: its readers keep their
        snapshot of the old ones.)"""
        return False


# Columns of JSON objects, compared as objects (stores written before their keys
# were sorted hold them in the order a week's units came)
_JSON_COLUMNS = {"cx_weeks": ("carried",)}

_CREATE_TABLE = re.compile(r"\s*CREATE TABLE IF NOT EXISTS (?P<table>\w+)")
_POSITION_KEYED = {"cx_log", "cx_chain", "cx_late"}


class PostgresDialect(Dialect):
    """psycopg's ``%(name)s`` parameters; tables in the store's schema; rows of a
    plain INSERT sent by ``COPY``."""

    name = "postgresql"
    like = "ILIKE"
    # the last position recorded at a moment ("as known at"): SQLite's index on
    # ``recorded`` holds the position (its rowid); PostgreSQL's did not, and read the
    # log back from its end to an early moment (64-74 ms at 500,000 rows; 0.07 ms)
    own_indexes = ("CREATE INDEX IF NOT EXISTS ix_log_recorded_pos ON cx_log (recorded, pos)",)

    def __init__(self, schema: str = "public") -> None:
        self.schema = schema
        self._translated: dict[str, str] = {}

    def table(self, name: str) -> str:
        return f'"{self.schema}".{name}'

    def sql(self, statement: str) -> str:
        translated = self._translated.get(statement)
        if translated is None:
            translated = _TABLE.sub(f'"{self.schema}".cx_', statement)
            translated = _PARAM.sub(r"%(\1)s", translated)
            self._translated[statement] = translated
        return translated

    def write_rows(self, cursor: Any, statement: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """A plain INSERT goes by ``COPY``: psycopg sends ``executemany`` a row at a
        time, and an import's read-model rows were most of its time on PostgreSQL."""
        found = _INSERT.fullmatch(statement)
        if found is None:
            cursor.executemany(self.sql(statement), rows)
            return
        names = [value.strip().removeprefix(":") for value in found["values"].split(",")]
        copy = self.sql(f"COPY {found['table']} ({found['columns']}) FROM STDIN")
        with cursor.copy(copy) as rows_in:
            for row in rows:
                rows_in.write_row([row[name] for name in names])

    def ddl(self, statement: str) -> str:
        return self.sql(statement)

    def shape_intact(self, cursor: Any, tables: Sequence[str]) -> bool:
        """Whether the tables have this version's columns and keys and their indexes
        are all there (from the catalogue): a rebuild may then empty them in place;
        else it makes them anew (a column or a key dropped by hand)."""
        shapes, indexes = expected_shape(tables)
        cursor.execute(
            """SELECT c.relname, a.attname FROM pg_catalog.pg_class c
               JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
               JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
               WHERE s.nspname = %s AND c.relkind = 'r' AND a.attnum > 0
                 AND NOT a.attisdropped""",
            (self.schema,),
        )
        found: dict[str, set[str]] = {}
        for table, column in _values(cursor.fetchall()):
            found.setdefault(table, set()).add(column)
        cursor.execute(
            """SELECT c.relname, i.indisprimary, x.relname AS index FROM pg_catalog.pg_index i
               JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
               JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid
               JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
               WHERE s.nspname = %s""",
            (self.schema,),
        )
        keyed, named = set(), set()
        for table, primary, index in _values(cursor.fetchall()):
            named.add(index)
            if primary:
                keyed.add(table)
        return indexes <= named and all(
            found.get(table) == set(columns) and ((table in keyed) == key)
            for table, (columns, key) in shapes.items()
        )

    def has_column(self, cursor: Any, table: str, column: str) -> bool:
        # from the catalogue, which shows every table: information_schema hides
        # those this role has no rights on (a chain a superuser's rebuild left its
        # own was taken for none, and made again from the log: decision 227)
        cursor.execute(
            """SELECT COUNT(*) AS n FROM pg_catalog.pg_attribute a
               JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
               JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
               WHERE s.nspname = %s AND c.relname = %s AND a.attname = %s
                 AND a.attnum > 0 AND NOT a.attisdropped""",
            (self.schema, table, column),
        )
        (count,) = _values([cursor.fetchone()])[0]
        return bool(count)


def _values(rows: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows as tuples of their values: a cursor of eventsourcing's gives dicts (where
    it makes the tables), psycopg's own tuples."""
    return [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in rows]


def utc_text(moment: datetime) -> str:
    """A moment as fixed-width UTC text, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# per record type, its fields that hold a code of the format or a day, which the log
# shows with every record of the type (cx_log.marks), in this order: what a review
# found, whether a rectification passed its verification, a leader's role, an award's
# title, the day a commitment is due or a rectification must be done by
MARKED_FIELDS = {
    "ActivityHeld": ("kind",),  # the checklist item it counts for (v13)
    "LeaderAssigned": ("role",),
    "CommitmentMade": ("due",),
    "CommitmentDueChanged": ("due",),
    "RectificationOpened": ("deadline",),
    "RectificationDeadlineExtended": ("deadline",),
    "ReviewRecorded": ("kind", "method", "grade", "verdict"),
    "RectificationVerified": ("accepted",),
    "RectificationEscalated": ("action",),
    "CommendationAwarded": ("title", "level"),
}
_SUMMARY_FIELDS = ("title", "text", "issue", "note", "name", "reason")
# per record type, the fields of free text its summary may come from, in that order
_SUMMARY_OF = {
    t: tuple(n for n in _SUMMARY_FIELDS if n in specs and n not in MARKED_FIELDS.get(t, ()))
    for t, specs in TYPES.items()
}


def delay_seconds(at: datetime, recorded: datetime) -> int:
    """Whole seconds from a record's happening to its recording (``cx_log.delay``):
    what "reported late" is counted in, by the log, the status and verify alike."""
    return int((recorded - at).total_seconds())


def late_clause(late: bool) -> str:
    """The ``cx_log`` condition for records reported late (or on time), given the
    template's ``late_after`` as ``:late_after``: one test for the log, the
    dashboard's filter and ``status --audit``."""
    return "delay > :late_after" if late else "delay <= :late_after"


def log_summary(type_: str, fields: Mapping[str, Any]) -> str | None:
    for name in _SUMMARY_OF[type_]:
        value = fields[name]
        if isinstance(value, str) and value:
            return value
    return None


#: The fields that name a person, one per record type: a leader, a visitor, a
#: commitment's or an award's person, a review's reviewer, a rectification's owner, its
#: verifier. ``cx_log.person`` holds the one a record names (shown beside its summary,
#: found by the dashboard's search), and the version of the read model that keeps it.
_PERSON_FIELDS = {"person": PERSON_SINCE, "reviewer": 14, "owner": 14, "verifier": 14}


def log_person(type_: str, fields: Mapping[str, Any], version: int = VERSION) -> str | None:
    """The person a record names, as ``cx_log.person`` holds it in the read model of
    ``version`` (before v14, only a ``person`` field: a review's reviewer was not)."""
    for name, since in _PERSON_FIELDS.items():
        value = fields.get(name)
        if value and since <= version:
            return value
    return None


def like_text(text: str) -> str:
    """``text`` as a LIKE pattern finds it, written out (``LIKE … ESCAPE '\\'``): its
    ``%`` and ``_`` are the characters typed, not wildcards (``100%`` found 18
    records, 3 of which said it; ``_`` found every one)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def mark_of(field: str, value: Any) -> str:
    """One mark as ``cx_log.marks`` holds it: ``grade=advanced``, a yes or no as
    ``accepted=false`` (what a search of the log for its words looks for)."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"{field}={value}"


# the version of the read model from which a field is marked (before: none)
_MARKED_SINCE = {("ActivityHeld", "kind"): 13}


def log_marks(type_: str, fields: Mapping[str, Any], version: int = VERSION) -> str | None:
    """The codes of a record's :data:`MARKED_FIELDS` it has, as ``cx_log.marks``:
    marks separated by spaces (``kind=inspection grade=advanced``); as the read
    model of ``version`` keeps them (an older one, read as it is, kept fewer)."""
    marks = [
        mark_of(n, fields[n])
        for n in MARKED_FIELDS.get(type_, ())
        if fields[n] is not None and _MARKED_SINCE.get((type_, n), 0) <= version
    ]
    return " ".join(marks) or None


Marks = tuple[tuple[str, str | bool], ...]


def _parse_marks(marks: str | None) -> Marks:
    """``cx_log.marks`` as (field, code) pairs, a yes or no as a bool."""
    found: list[tuple[str, str | bool]] = []
    for mark in (marks or "").split():
        name, _, code = mark.partition("=")
        found.append((name, {"true": True, "false": False}.get(code, code)))
    return tuple(found)


def shown_marks(type_: str, summary: str | None, marks: str | None) -> tuple[Marks, str | None]:
    """A log row's marks and summary. A read model before v12 (read as it is by a
    reader that may not rebuild it) kept no marks, and a leader's role, an award's
    title or an escalation's action without a note as the summary: taken for the
    mark it is, so that it is shown in words."""
    if marks is not None or summary is None:
        return _parse_marks(marks), summary
    for field in MARKED_FIELDS.get(type_, ()):
        if summary in TYPES[type_][field].choices:
            return ((field, summary),), None
    return (), summary


# the entity a record is of (cx_log.entity): its field and the key's prefix, per type
_ENTITY_PREFIX = {"commitment": "c:", "rectification": "r:", "activity": "a:", "review": "v:"}
_ENTITY_OF = {
    t: next(((f, p) for f, p in _ENTITY_PREFIX.items() if f in specs), None)
    for t, specs in TYPES.items()
}


LIFE_KINDS = ("commitment", "rectification")  # the entities with a life of records
_LIFE_PREFIXES = tuple(_ENTITY_PREFIX[kind] for kind in LIFE_KINDS)


def log_entity(type_: str, fields: Mapping[str, Any]) -> str | None:
    """The entity a record is of (``cx_log.entity``): ``c:K1``, ``r:R1``, a named
    activity's or review's; None for the others."""
    named = _ENTITY_OF[type_]
    if named is not None and fields[named[0]]:
        return named[1] + fields[named[0]]
    return None


def entity_key(kind: str, code: str) -> str:
    """The ``cx_log.entity`` of a commitment, rectification, named activity or review
    (``("commitment", "K1")`` → ``c:K1``)."""
    return _ENTITY_PREFIX[kind] + code


def is_life(entity: str | None) -> bool:
    """Whether a ``cx_log.entity`` is a commitment or a rectification, whose records
    after the first are shown under the first one's unit."""
    return entity is not None and entity.startswith(_LIFE_PREFIXES)


def life_of(entity: str | None) -> tuple[str, str] | None:
    """The kind and code of the commitment or rectification a ``cx_log.entity``
    names (``r:R1`` → ``("rectification", "R1")``); None for another entity, or none."""
    if entity is None or not is_life(entity):
        return None
    prefix, code = entity[:2], entity[2:]
    return next(kind for kind, p in _ENTITY_PREFIX.items() if p == prefix), code


def life_code(entity: str | None) -> str | None:
    """The code of the commitment or rectification a ``cx_log.entity`` names (None
    for another entity, or none)."""
    if entity is None or not is_life(entity):
        return None
    return entity.partition(":")[2]


# New records a reader that keeps what it read follows (reading again only what they
# touched); past this many it reads everything again
FOLLOW_RECORDS = 500


@dataclass(frozen=True)
class Condition:
    """A piece of a WHERE clause and the parameters it names."""

    sql: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Touched:
    """What some records are about: their units, and their entities (cx_log.entity)."""

    units: frozenset[str]
    entities: frozenset[str]

    @property
    def lives(self) -> bool:
        """Whether any is a commitment's or a rectification's (they change what is open)."""
        return any(entity[:2] in _LIFE_PREFIXES for entity in self.entities)


class ReadModel:
    """Writes and reads the ``cx_*`` tables inside a transaction's cursor."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._commits_seen = False  # (once seen in the store, a table is not dropped)
        # whether cx_campaign keeps its template's text (v15 on; an older read model,
        # read as it is, not): looked for once, again after the tables are made
        self._template_text_kept: bool | None = None

    # -- writing ----------------------------------------------------------------

    def create(self, cursor: Any) -> None:
        """The tables and indexes, where missing. An index on a column that the
        table's older shape lacks waits for the rebuild that makes the table anew."""
        self._template_text_kept = None
        for statement in DDL:
            shaped = next((need for name, need in SHAPED.items() if name in statement), None)
            if shaped is None or self.dialect.has_column(cursor, *shaped):
                cursor.execute(self.dialect.ddl(statement))
        for statement in self.dialect.own_indexes:
            cursor.execute(self.dialect.ddl(statement))

    def drop(self, cursor: Any, head: int = 0, *, in_place: bool = False) -> int:
        """Drop the tables and make them again: a rebuild after an upgrade may
        need them in a new shape. ``in_place``: tables of this version's shape are
        emptied instead (PostgreSQL's readers go on seeing their rows until the
        rebuild commits; a statement that waited for a dropped table read the
        new one empty: "no campaign", while the office rebuilt).

        The hash chain's links up to ``head`` (the log's last position) are kept,
        in the new shape: they were written with the events, and are what ``cxzy
        verify`` holds the log to. Computed again from the log as it now is, they
        would vouch for whatever was edited before the rebuild (decision 81).
        Returns the last position with a link kept (0: none); a position before
        it without a link stays without one, for ``verify`` to report."""
        kept = 0
        if head and self.dialect.has_column(cursor, "cx_chain", "rebuilt"):
            kept = int(self._one(cursor, _LAST_LINK, {"head": head}) or 0)
        # (a table, a column, a key or an index gone or changed by hand: made anew)
        if in_place and self.dialect.shape_intact(cursor, TABLES):
            for table in TABLES:
                if table == "cx_chain":  # the links written with the events stay
                    cursor.execute(self.dialect.sql(_CHAIN_AFTER), {"kept": kept})
                else:
                    cursor.execute(self.dialect.sql(f"DELETE FROM {table}"))
            return kept
        if kept:  # (in the rebuild's transaction: no copy outlives a failed one)
            cursor.execute(self.dialect.sql(_KEEP_CHAIN), {"kept": kept})
        for table in TABLES:
            cursor.execute(self.dialect.sql(f"DROP TABLE IF EXISTS {table}"))
        self.create(cursor)
        if kept:
            cursor.execute(self.dialect.sql(_PUT_CHAIN_BACK))
            cursor.execute(self.dialect.sql("DROP TABLE cx_chain_kept"))
        return kept

    def _run(self, cursor: Any, statement: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self.dialect.write_rows(cursor, statement, rows)

    def _one(self, cursor: Any, statement: str, params: Mapping[str, Any] | None = None) -> Any:
        row = self._row(cursor, statement, params)
        return None if row is None else row[0]

    def _row(
        self, cursor: Any, statement: str, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, ...] | None:
        cursor.execute(self.dialect.sql(statement), params or {})
        row = cursor.fetchone()
        return None if row is None else tuple(row)

    def apply(
        self,
        cursor: Any,
        positioned: Iterable[tuple[int, Any, datetime, Any]],
        *,
        rebuilt: bool = False,
        chained: int = 0,
        digests: Mapping[str, str] | None = None,
        carry: Carryover | None = None,
    ) -> int | None:
        """Project events (position, domain event, recorded time, stored event) in
        log order, and extend the hash chain over them.

        ``rebuilt`` marks chain links computed by a rebuild rather than by the
        transaction that wrote the events; a rebuild computes none up to
        ``chained``, the links it kept (:meth:`drop`). ``carry`` is what several calls in one
        transaction keep from one to the next: the running-total changes, for
        :meth:`write_running` to write at its end, and the lives still open.
        Returns the last position applied.
        Raises the driver's integrity error when a record id or position is
        already in the log (a concurrent writer won).
        """
        last_recorded = self._one(cursor, "SELECT MAX(recorded) FROM cx_log") or ""
        previous = (
            self._one(cursor, "SELECT hash FROM cx_chain ORDER BY pos DESC LIMIT 1") or GENESIS
        )
        minima: dict[tuple[str, str], str] = {}
        cursor.execute(
            self.dialect.sql("SELECT unit, fact, MIN(day) FROM cx_firsts GROUP BY unit, fact")
        )
        for unit, fact, day in cursor.fetchall():
            minima[(unit, fact)] = day
        # the latest day of the records so far: one before it is late
        frontier = self._one(cursor, FRONTIER, {"pos": ALL}) or ""
        totals = TotalsWriter(self, cursor, carry)
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in _STATEMENTS}
        known_digests = digests or {}
        chain_rebuilt = int(rebuilt)
        at_texts: dict[datetime, str] = {}
        last_pos = None
        for pos, event, recorded, stored in positioned:
            type_, stamp, fields = record_of(event)
            day = stamp.day.isoformat()
            if day < frontier:
                rows["late"].append({"pos": pos, "day": day})
            else:
                frontier = day
            entity = log_entity(type_, fields)
            unit = fields.get("unit")
            if unit is None and is_life(entity):
                unit = totals.of(entity).unit
            # the recorded time never goes back along the log (a clock that did keeps
            # the last one)
            recorded_text = at_texts.get(recorded)  # (an import's one moment: once)
            if recorded_text is None:
                recorded_text = at_texts[recorded] = utc_text(recorded)
            if recorded_text < last_recorded:
                recorded_text = last_recorded
                recorded = datetime.fromisoformat(recorded_text)
            last_recorded = recorded_text
            at_text = at_texts.get(stamp.at)
            if at_text is None:  # records often share a moment (a day's midnight)
                at_text = at_texts[stamp.at] = utc_text(stamp.at)
            if pos > chained:
                content = content_hash(stored)
                previous = link(previous, pos, recorded_text, content)
                rows["chain"].append(
                    {"pos": pos, "content": content, "hash": previous, "rebuilt": chain_rebuilt}
                )
            base = {"pos": pos, "day": day}
            rows["log"].append(
                {
                    "pos": pos,
                    "day": day,
                    "record_id": stamp.record_id,
                    "digest": known_digests.get(stamp.record_id)
                    or digest_of(type_, stamp.at, fields),
                    "type": type_,
                    "unit": unit,
                    "entity": entity,
                    "at": at_text,
                    "recorded": recorded_text,
                    # seconds from happening to recording: "reported late" is a fact auditors ask about
                    "delay": delay_seconds(stamp.at, recorded),
                    "by": stamp.by,
                    "origin": stamp.origin,
                    "summary": log_summary(type_, fields),
                    # whom the record names (a leader, a visitor, a reviewer…): shown beside
                    # the summary, so that the log says who without opening the record
                    "person": log_person(type_, fields),
                    "marks": log_marks(type_, fields),
                }
            )
            fact = None
            if type_ == "CampaignPlanned":
                # the template's text as planned on (None: planned before stores
                # kept it, decision 259; not a record's field)
                template_text = getattr(event, "template_text", None)
                phases = fields["phases"]
                windows = (
                    None
                    if phases is None
                    else json.dumps(
                        [
                            {"key": p["key"], "start": str(p["start"]), "end": str(p["end"])}
                            for p in phases
                        ]
                    )
                )
                rows["campaign"].append(
                    {
                        **base,
                        "campaign": fields["campaign"],
                        "title": fields["title"],
                        "template": fields["template"],
                        "timezone": fields["timezone"],
                        "phases": windows,
                        "template_text": template_text,
                    }
                )
                totals.planned(fields["template"], windows, template_text)
            elif type_ in ("UnitRegistered", "UnitUpdated"):
                rows["unit"].append(
                    {
                        **base,
                        "unit": unit,
                        "at": at_text,
                        "name": fields.get("name"),
                        "kind": fields.get("kind"),
                        "parent": fields.get("parent"),
                        "members": fields.get("members"),
                        "registered": 1 if type_ == "UnitRegistered" else 0,
                    }
                )
            elif type_ == "LeaderAssigned":
                rows["person"].append({**base, "person": fields["person"], "role": fields["role"]})
            elif type_ == "ContactPointAssigned":
                rows["contact"].append({**base, "person": fields["person"], "unit": unit})
            elif type_ in ("CommitmentMade", "RectificationOpened"):
                assert entity is not None and unit is not None
                kind = "commitment" if type_ == "CommitmentMade" else "rectification"
                deadline = str(fields.get("due") or fields.get("deadline"))
                supervised = bool(fields.get("supervised"))
                rows["entity"].append(
                    {
                        **base,
                        "entity": entity,
                        "kind": kind,
                        "code": entity[2:],
                        "unit": unit,
                        "supervised": int(supervised),
                        "deadline": deadline,
                        "overdue_from": totals.opened(
                            entity, kind, unit, day, deadline, supervised, pos
                        ),
                    }
                )
                rows["deadline"].append({**base, "entity": entity, "deadline": str(deadline)})
                if type_ == "CommitmentMade" and fields["public"]:
                    fact = "commitment:public"
            elif type_ in ("CommitmentDueChanged", "RectificationDeadlineExtended"):
                deadline = fields.get("due") or fields.get("deadline")
                rows["deadline"].append({**base, "entity": entity, "deadline": str(deadline)})
                rows["due"].append({**base, "entity": entity, "deadline": str(deadline)})
                assert entity is not None
                totals.deadline_moved(entity, day, str(deadline), pos)
            elif type_ == "CommitmentFulfilled" or (
                type_ == "RectificationVerified" and fields["accepted"]
            ):
                assert entity is not None
                totals.closed(entity, day, pos)
                rows["close"].append({**base, "entity": entity})
            elif type_ == "RectificationEscalated":
                assert entity is not None
                totals.escalated(entity, day)
                rows["escalate"].append({**base, "entity": entity})
            elif type_ == "ActivityHeld":
                fact = f"activity:{fields['kind']}"
            elif type_ == "ReviewRecorded":
                fact = f"review:{fields['kind']}"
                if fields.get("grade"):
                    rows["grade"].append(
                        {**base, "unit": unit, "at": at_text, "grade": fields["grade"]}
                    )
            elif type_ == "CommendationAwarded":
                totals.awarded(str(unit), day)
                rows["award"].append({**base, "unit": unit})
            if fact is not None:
                key = (unit, fact)
                if key not in minima or day < minima[key]:
                    minima[key] = day
                    rows["first"].append({**base, "unit": unit, "fact": fact})
            last_pos = pos
        for name, statement in _STATEMENTS.items():
            self._run(cursor, statement, rows[name])
        totals.write()
        if rebuilt and rows["chain"]:
            # by the store's clock, as every moment it keeps (PostgreSQL's, shared)
            cursor.execute(self.dialect.sql(_CHAIN_REBUILT), {"value": utc_text(self.now(cursor))})
        return last_pos

    def mark_rebuilt(self, cursor: Any, first: int, last: int, at: str | None) -> None:
        """The chain's links ``first`` … ``last`` as computed by a rebuild, not written
        with their events (at ``at``): a copy keeps what its source's chain can prove."""
        cursor.execute(
            self.dialect.sql(
                "UPDATE cx_chain SET rebuilt = 1 WHERE pos >= :first AND pos <= :last"
            ),
            {"first": first, "last": last},
        )
        cursor.execute(self.dialect.sql(_CHAIN_REBUILT), {"value": at or ""})

    def refresh_statistics(self, cursor: Any) -> None:
        """After many rows at once: the query planner's statistics. PostgreSQL's are
        otherwise refreshed by autovacuum only a while after the commit, and until
        then it may read whole tables for a status; SQLite plans without them."""
        if self.dialect.name == "postgresql":
            for table in TABLES:
                cursor.execute(self.dialect.sql(f"ANALYZE {table}"))

    def write_running(self, cursor: Any, running: Changes) -> None:
        """Write the running-total changes collected by :meth:`apply`."""
        write_running(self, cursor, running, self.frontier(cursor, ALL))
        running.clear()

    # -- reading ----------------------------------------------------------------

    def rows(self, cursor: Any, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        cursor.execute(self.dialect.sql(statement), params)
        return [tuple(row) for row in cursor.fetchall()]

    def campaign_row(self, cursor: Any) -> tuple[str, str, str, str | None, str | None] | None:
        """The store's campaign (None before it is planned): its code, its template's
        key, time zone, own phase windows (JSON) and its template's text as planned
        on (None in a read model older than v15, read as it is, or a campaign planned
        before stores kept it: decision 259)."""
        if self._template_text_kept is None:
            self._template_text_kept = self.dialect.has_column(
                cursor, "cx_campaign", "template_text"
            )
        text = "template_text" if self._template_text_kept else "NULL"
        rows = self.rows(
            cursor, f"SELECT campaign, template, timezone, phases, {text} FROM cx_campaign"
        )
        return rows[0] if rows else None  # type: ignore[return-value]

    def table_digest(self, cursor: Any, table: str) -> str:
        """SHA-256 of a table's rows in the order of all their columns: equal for
        two states of the table exactly when they hold the same rows."""
        digest = hashlib.sha256()
        cursor.execute(self.dialect.sql(f"SELECT * FROM {table} LIMIT 1"))
        first = cursor.fetchone()
        if first is None:
            return digest.hexdigest()
        order = ", ".join(str(n) for n in range(1, len(first) + 1))
        cursor.execute(self.dialect.sql(f"SELECT * FROM {table} ORDER BY {order}"))
        as_json = _JSON_COLUMNS.get(table, ())
        rows_of = getattr(cursor, "sqlite_cursor", cursor)  # (eventsourcing's: no fetchmany)
        names = [column[0] for column in rows_of.description]
        while rows := rows_of.fetchmany(10_000):
            for row in rows:
                values = (
                    dict(row) if isinstance(row, Mapping) else dict(zip(names, row, strict=True))
                )
                for name in as_json:  # the same object, whatever order its keys were written in
                    values[name] = json.dumps(json.loads(values[name]), sort_keys=True)
                digest.update(repr(tuple(values.values())).encode())
        return digest.hexdigest()

    def value(self, cursor: Any, statement: str, **params: Any) -> Any:
        return self._one(cursor, statement, params)

    def known_position(self, cursor: Any, moment: datetime) -> tuple[int, str | None]:
        """The last position the store held at a moment (recorded at or before it, by
        an import committed by then; 0 when none), and when an import that had taken
        the store by the moment committed after it (None: none was under way): its
        records carry a ``recorded`` time before the moment, and the store did not
        hold them."""
        # ``recorded`` never decreases along the log, so the last moment at or before
        # T is one index probe; MAX(pos) over every earlier row would read them all.
        t = utc_text(moment)
        last = self.value(
            cursor,
            "SELECT recorded FROM cx_log WHERE recorded <= :t ORDER BY recorded DESC LIMIT 1",
            t=t,
        )
        if last is None:
            return 0, None
        pos = int(self.value(cursor, "SELECT MAX(pos) FROM cx_log WHERE recorded = :r", r=last))
        found = self._import_of(cursor, pos)
        if found is not None and found[1] > t:
            # the import that wrote it had taken the store by T but not yet committed:
            # what the store held was the log before that import (committed before it
            # took the store, so before T)
            return found[0] - 1, found[1]
        return pos, None

    def has_commits(self, cursor: Any) -> bool:
        """Whether the store keeps its imports' commit moments (``cx_commits``)."""
        if not self._commits_seen:
            self._commits_seen = self.dialect.has_column(cursor, "cx_commits", "committed")
        return self._commits_seen

    def now(self, cursor: Any) -> datetime:
        """This moment by the store's clock: PostgreSQL's, which every terminal that
        writes into it shares (each PC's own clock set the moments "as known at"
        reads: one slow showed an import before it was made, one a day fast made
        ``verify`` call a genuine import altered); for a SQLite file, this machine's."""
        if self.dialect.name == "postgresql":
            moment = self._one(cursor, "SELECT clock_timestamp()")
            if isinstance(moment, datetime) and moment.tzinfo is not None:
                return moment.astimezone(UTC)
        return datetime.now(UTC)

    def note_commit(self, cursor: Any, first: int, last: int, moment: datetime) -> None:
        """An import's positions ``first`` … ``last``, about to be committed at
        ``moment`` (the table made first in a store written before it)."""
        self.carry_commits(cursor, [(last, first, utc_text(moment))])

    def commits(self, cursor: Any, upto: int) -> list[tuple[int, int, str]]:
        """The imports' commit moments up to a position: (last, first, committed)."""
        if not self.has_commits(cursor):
            return []
        return [
            (int(last), int(first), str(committed))
            for last, first, committed in self.rows(
                cursor,
                """SELECT last_pos, first_pos, committed FROM cx_commits
                   WHERE last_pos <= :upto ORDER BY last_pos""",
                upto=upto,
            )
        ]

    def held_at(self, cursor: Any, pos: int) -> str | None:
        """When the store held a position: its import's commit, or where that is not
        kept, its record's recorded moment (a checkpoint's time; None: no such
        position)."""
        recorded = self.value(cursor, "SELECT recorded FROM cx_log WHERE pos = :pos", pos=pos)
        if recorded is None:
            return None
        return self.committed_at(cursor, pos) or str(recorded)

    def committed_at(self, cursor: Any, pos: int) -> str | None:
        """When the import that wrote a position committed (None: not kept)."""
        found = self._import_of(cursor, pos)
        return None if found is None else found[1]

    def _import_of(self, cursor: Any, pos: int) -> tuple[int, str] | None:
        """The first position of the import that wrote ``pos``, and when it
        committed (None: not kept)."""
        if not self.has_commits(cursor):
            return None
        found = self._row(
            cursor,
            """SELECT first_pos, committed FROM cx_commits WHERE last_pos >= :pos
               ORDER BY last_pos LIMIT 1""",
            {"pos": pos},
        )
        if found is None or int(found[0]) > pos:
            return None
        return int(found[0]), str(found[1])

    def carry_commits(self, cursor: Any, rows: Sequence[tuple[int, int, str]]) -> None:
        """Commit moments as they are (a copy keeps its source's)."""
        if rows and not self.has_commits(cursor):  # (made in this transaction: seen once
            cursor.execute(self.dialect.ddl(COMMITS_DDL))  # committed, by has_commits)
        self._run(
            cursor,
            """INSERT INTO cx_commits (last_pos, first_pos, committed)
               VALUES (:last, :first, :committed)""",
            [{"last": last, "first": first, "committed": at} for last, first, at in rows],
        )

    def frontier(self, cursor: Any, pos: int) -> str | None:
        """The latest day of the records up to a position (None when there are none)."""
        found = self.value(cursor, FRONTIER, pos=pos)
        return None if found is None else str(found)

    def head(self, cursor: Any) -> int:
        return int(self.value(cursor, "SELECT MAX(pos) FROM cx_log") or 0)

    def touched(self, cursor: Any, after: int, upto: int) -> Touched | None:
        """What the records after one position up to another are about (None: more
        than FOLLOW_RECORDS of them: a reader then reads everything again)."""
        rows = self.rows(
            cursor,
            "SELECT unit, entity FROM cx_log WHERE pos > :after AND pos <= :upto LIMIT :n",
            after=after,
            upto=upto,
            n=FOLLOW_RECORDS + 1,
        )
        if len(rows) > FOLLOW_RECORDS:
            return None
        return Touched(
            frozenset(unit for unit, _ in rows if unit is not None),
            frozenset(entity for _, entity in rows if entity is not None),
        )

    def first_day_after(self, cursor: Any, after: int, upto: int) -> date | None:
        """The earliest day the records after one position up to another happened
        on (None: there are none)."""
        if upto <= after:
            return None
        rows = self.rows(
            cursor,
            "SELECT MIN(day) FROM cx_log WHERE pos > :after AND pos <= :upto",
            after=after,
            upto=upto,
        )
        return date.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def chain_links(self, cursor: Any, first: int, last: int) -> dict[int, tuple[str, str, int]]:
        """Each link of the chain from ``first`` to ``last``: the content hash of its
        event, its hash, and whether a rebuild computed it (1) or the import that
        wrote the event (0)."""
        rows = self.rows(
            cursor,
            """SELECT pos, content, hash, rebuilt FROM cx_chain
               WHERE pos >= :first AND pos <= :last""",
            first=first,
            last=last,
        )
        return {
            int(pos): (str(content), str(hash_), int(rebuilt))
            for pos, content, hash_, rebuilt in rows
        }

    def among(self, column: str, values: Iterable[str], name: str = "among") -> Condition:
        """``column`` one of ``values``, as a condition with one parameter: an array on
        PostgreSQL, a JSON list on SQLite. Any number of values (a filter's 1,500
        units), in a condition that can sit anywhere in a statement, a subquery's
        too, where :meth:`rows_in` splits the statement."""
        listed = sorted(set(values))
        if self.dialect.name == "postgresql":
            return Condition(f"{column} = ANY(:{name})", {name: listed})
        return Condition(
            f"{column} IN (SELECT value FROM json_each(:{name}))", {name: json.dumps(listed)}
        )

    def rows_in(
        self, cursor: Any, select: str, column: str, values: Sequence[Any], **params: Any
    ) -> Iterator[tuple[Any, ...]]:
        """``SELECT … WHERE column IN (values)``: on PostgreSQL one array parameter
        (hundreds of named parameters cost more to send than the query to run), on
        SQLite a few hundred values at a time (its limit on parameters)."""
        if self.dialect.name == "postgresql":
            if values:
                yield from self.rows(
                    cursor, f"{select} WHERE {column} = ANY(:values)", values=list(values), **params
                )
            return
        for start in range(0, len(values), 500):
            names = {f"v{n}": value for n, value in enumerate(values[start : start + 500])}
            marks = ", ".join(f":{name}" for name in names)
            yield from self.rows(cursor, f"{select} WHERE {column} IN ({marks})", **names, **params)

    def find_ids(self, cursor: Any, ids: Sequence[str]) -> dict[str, tuple[str, int, str]]:
        """Record ids already in the log → (digest, position, origin)."""
        select = "SELECT record_id, digest, pos, origin FROM cx_log"
        return {
            rid: (digest, pos, origin)
            for rid, digest, pos, origin in self.rows_in(cursor, select, "record_id", ids)
        }

    def existing_entities(self, cursor: Any, entities: Sequence[str]) -> set[str]:
        """Entity keys ("c:ID", "a:ID", …) that already have records in the log."""
        select = "SELECT DISTINCT entity FROM cx_log"
        return {entity for (entity,) in self.rows_in(cursor, select, "entity", entities)}

    def made_by(self, cursor: Any, entity: str) -> tuple[int, str] | None:
        """The position and origin of an entity's first record in the log."""
        statement = "SELECT pos, origin FROM cx_log WHERE entity = :entity ORDER BY pos LIMIT 1"
        found = self._row(cursor, statement, {"entity": entity})
        return None if found is None else (found[0], found[1])

    def life_entities(self, cursor: Any) -> list[str]:
        """The entity of every commitment and rectification ("c:ID", "r:ID")."""
        return [entity for (entity,) in self.rows(cursor, "SELECT entity FROM cx_entities")]


_STATEMENTS = {
    "log": """INSERT INTO cx_log (pos, record_id, digest, type, unit, entity, at, day,
              recorded, delay, by_whom, origin, summary, person, marks) VALUES (:pos,
              :record_id, :digest, :type, :unit, :entity, :at, :day, :recorded, :delay, :by,
              :origin, :summary, :person, :marks)""",
    "campaign": """INSERT INTO cx_campaign (campaign, title, template, timezone, phases, pos,
                   day, template_text) VALUES (:campaign, :title, :template, :timezone,
                   :phases, :pos, :day, :template_text)""",
    "unit": """INSERT INTO cx_units (unit, pos, at, day, name, kind, parent, members,
               registered) VALUES (:unit, :pos, :at, :day, :name, :kind, :parent, :members,
               :registered)""",
    "person": "INSERT INTO cx_people (person, pos, day, role) VALUES (:person, :pos, :day, :role)",
    "contact": """INSERT INTO cx_contacts (person, unit, pos, day)
                  VALUES (:person, :unit, :pos, :day)""",
    "first": "INSERT INTO cx_firsts (unit, fact, day, pos) VALUES (:unit, :fact, :day, :pos)",
    "entity": """INSERT INTO cx_entities (entity, kind, code, unit, opened_day, opened_pos,
                 supervised, deadline, deadline_day, deadline_pos, overdue_from) VALUES (:entity,
                 :kind, :code, :unit, :day, :pos, :supervised, :deadline, :day, :pos,
                 :overdue_from)""",
    "due": """UPDATE cx_entities SET deadline = :deadline, deadline_day = :day,
              deadline_pos = :pos WHERE entity = :entity""",
    "deadline": """INSERT INTO cx_deadlines (entity, pos, day, deadline)
                   VALUES (:entity, :pos, :day, :deadline)""",
    "close": """UPDATE cx_entities SET closed_day = :day, closed_pos = :pos
                WHERE entity = :entity AND closed_pos IS NULL""",
    "escalate": """UPDATE cx_entities SET escalated_day = :day, escalated_pos = :pos
                   WHERE entity = :entity AND escalated_pos IS NULL""",
    "grade": """INSERT INTO cx_grades (unit, at, pos, day, grade)
                VALUES (:unit, :at, :pos, :day, :grade)""",
    "award": "INSERT INTO cx_awards (unit, pos, day) VALUES (:unit, :pos, :day)",
    "late": "INSERT INTO cx_late (pos, day) VALUES (:pos, :day)",
    "chain": """INSERT INTO cx_chain (pos, content, hash, rebuilt)
                VALUES (:pos, :content, :hash, :rebuilt)""",
}
