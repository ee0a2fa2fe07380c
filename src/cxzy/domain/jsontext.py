"""JSON text, read and written by orjson where it gives exactly what the standard
library gives, and by the standard library everywhere else.

An import spends much of its time turning records into JSON text and back: each
line is parsed, each record's content digest is the SHA-256 of its compact JSON,
and each event's state is stored as compact JSON. orjson does each several
times faster. What it writes is byte for byte what ``json.dumps(...,
ensure_ascii=False, separators=(",", ":"))`` writes for what records hold
(text, whole numbers, booleans, dates through ``default``, lists, objects);
where orjson refuses a value (an integer beyond 64 bits, a key that is not
text) or a line, the standard library does the work, so that
digests, stored events and error messages are the ones they always were. A
line with a lone surrogate (``"\\ud800"``) is refused as not JSON: no UTF-8 text,
and so no store, can hold it.
Floats and UUIDs, which orjson writes its own way, are in no record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson

_WRITE = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_WRITE_SORTED = _WRITE | orjson.OPT_SORT_KEYS


# twenty digits, or nineteen after a minus: maybe an integer beyond 64 bits, which
# orjson reads as a float (99999999999999999999999 → 1e+23) and the standard
# library as it is written
_LONG_DIGITS = re.compile(r"[0-9]{20}|-[0-9]{19}")
_LONG_DIGITS_BYTES = re.compile(rb"[0-9]{20}|-[0-9]{19}")


def loads(text: str | bytes) -> Any:
    """A JSON value; raises :class:`json.JSONDecodeError` with the standard
    library's message (which is also what reads NaN and lone surrogates)."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        if "surrogate" in error.msg:  # (text no UTF-8 can hold: it could not be stored)
            raise json.JSONDecodeError("lone surrogate in a string", error.doc, error.pos) from None
        return _standard_loads(text)
    long_digits = _LONG_DIGITS_BYTES if isinstance(text, bytes | bytearray) else _LONG_DIGITS
    if long_digits.search(text) is not None:  # type: ignore[arg-type]
        return _standard_loads(text)
    return value


def _standard_loads(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except (RecursionError, ValueError) as error:  # nested too deep; too many digits
        doc = text if isinstance(text, str) else text.decode("utf-8", "replace")
        reason = "nested too deeply" if isinstance(error, RecursionError) else "number too long"
        raise json.JSONDecodeError(reason, doc, 0) from None


def compact(
    value: Any, *, sort_keys: bool = False, default: Callable[[Any], Any] | None = None
) -> bytes:
    """UTF-8 of ``json.dumps(value, ensure_ascii=False, separators=(",", ":"),
    sort_keys=sort_keys, default=default)``; ``default`` also receives dates,
    datetimes and dataclasses. Raises what that call raises."""
    try:
        return orjson.dumps(value, default=default, option=_WRITE_SORTED if sort_keys else _WRITE)
    except orjson.JSONEncodeError as error:
        if isinstance(error.__cause__, BaseException) and not isinstance(
            error.__cause__, Exception
        ):  # Ctrl-C or SIGTERM while orjson called ``default``: not a value to retry
            raise error.__cause__ from None
        text = json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, default=default
        )
        return text.encode()


def storable(text: str) -> str:
    """Text from the operating system (a file's name, the user's name) whose bytes
    were not UTF-8 (Python holds them as lone surrogates, which no UTF-8 text and
    so no store can hold): those bytes as ``\\xNN``, the rest as it was."""
    try:
        text.encode()
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")  # the name's own bytes
        return raw.decode("utf-8", "backslashreplace")
    return text
