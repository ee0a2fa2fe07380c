"""JSON Lines: read records with their line numbers; write records back."""

from __future__ import annotations

import json
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
    with path.open("rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            where = f"{name}:{number}"
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError:
                yield where, Violation("not_utf8")
                continue
            if number == 1:
                line = line.removeprefix("\ufeff")
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            try:
                value = jsontext.loads(text)
            except json.JSONDecodeError as error:
                known = f"json.{error.msg}" in MESSAGES  # the standard library's reason
                detail = Violation(f"json.{error.msg}") if known else error.msg
                yield where, Violation("invalid_json", detail=detail, column=error.colno)
                continue
            yield where, value


def write_records(records: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, separators=(", ", ": ")))
        out.write("\n")
        count += 1
    return count
