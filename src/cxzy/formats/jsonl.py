"""JSON Lines: read records with their line numbers; write records back."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from cxzy.domain import jsontext
from cxzy.domain.errors import Violation
from cxzy.i18n import MESSAGES


def read_records(
    path: Path, label: str | None = None
) -> Iterator[tuple[str, Mapping[str, Any] | Violation]]:
    """Each record line as ("FILE:LINE", mapping) — or the reason it is not one.

    Blank lines and lines starting with ``#`` are skipped. Raises ``OSError``
    when the file cannot be read, and :class:`Violation` when it is not UTF-8.
    """
    name = label or str(path)
    first = True  # the first line that holds anything
    with path.open("rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            where = f"{name}:{number}"
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError:
                yield where, Violation("not_utf8")
                continue
            # a BOM begins the file as Notepad saves it, or any line of files joined
            # with `cat` (it was "Unexpected UTF-8 BOM (decode using utf-8-sig)")
            line = line.removeprefix("\ufeff")
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            try:
                value = jsontext.loads(text)
            except json.JSONDecodeError as error:
                if first and csv_header(text):  # (each line after: "not JSON")
                    yield where, Violation("jsonl_is_csv", header=text[:60])
                    return
                if error.msg == "Extra data" and "\r" in text:
                    # lines ended by CR alone (an old Mac's): one line of many records
                    # ("Extra data (column 83)"); JSON Lines' lines end in LF or CR LF
                    yield where, Violation("jsonl_cr_lines")
                    return
                opening, first = first, False
                known = f"json.{error.msg}" in MESSAGES  # the standard library's reason
                detail = Violation(f"json.{error.msg}") if known else error.msg
                if error.pos >= len(text) and error.msg.startswith("Expecting"):
                    detail = Violation("json.ends_early")  # (it said "Expecting ','")
                said = Violation("invalid_json", detail=detail, column=error.colno)
                if opening and _named_otherwise(name):  # (notes.txt: why JSON at all?)
                    said = said.altered("invalid_json_named", suffix=Path(name).suffix)
                yield where, said
                continue
            first = False
            twice = _given_twice(text, value)
            yield where, (value if twice is None else Violation("field_twice", field=twice))


#: What JSON Lines files are named (or no extension: a pipe, `<(script)`, a script's
#: own name); a file named otherwise is read as JSON Lines all the same, and its first
#: line that is no JSON says so (notes.txt gave "not valid JSON", unexplained)
JSON_SUFFIXES = frozenset({"", ".jsonl", ".json", ".ndjson", ".jsonlines", ".ldjson"})


def _named_otherwise(name: str) -> bool:
    return Path(name).suffix.lower() not in JSON_SUFFIXES


_CSV_SEPARATOR = re.compile(r"[,;\t]")
_CSV_NAME = re.compile(r"[\w#.]*")


def csv_header(line: str) -> bool:
    """Whether a line reads as a CSV file's header: names separated by a comma, a
    semicolon or a tab, with ``type`` or ``at`` among them (what a CSV piped into
    `cxzy import -` begins with). Split, not matched by one pattern: a pattern's
    ways of matching spaces and tabs took a minute on a line that failed late."""
    names = [name.strip().lower() for name in _CSV_SEPARATOR.split(line)]
    return (
        len(names) > 1
        and ("type" in names or "at" in names)
        and all(_CSV_NAME.fullmatch(name) for name in names)
    )


# where a key ends: found at least once per key (in text values too, at times)
_KEY_END = re.compile(r'"\s*:')


def _given_twice(text: str, value: Any) -> str | None:
    """The first field that ``text``'s objects name twice (the last one won, and a
    typo vanished silently); read again key by key only when the line has more
    key ends than ``value`` has keys."""
    spaced = " :" in text or "\t:" in text  # (else each key ends so: counted faster)
    ends = len(_KEY_END.findall(text)) if spaced else text.count('":')
    if ends <= (len(value) if isinstance(value, dict) else 0) or ends <= _keys(value):
        return None
    twice: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen and not twice:
                twice.append(key)
            seen.add(key)
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return twice[0] if twice else None


def _keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_keys(v) for v in value.values() if isinstance(v, dict | list))
    if isinstance(value, list):
        return sum(_keys(v) for v in value if isinstance(v, dict | list))
    return 0


def write_records(
    records: Iterable[Mapping[str, Any]], out: IO[str], *, ascii_only: bool = False
) -> int:
    """Records as JSON Lines; ``ascii_only``: every other character as JSON's escape
    (for an output that cannot write it)."""
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=ascii_only, separators=(", ", ": ")))
        out.write("\n")
        count += 1
    return count
