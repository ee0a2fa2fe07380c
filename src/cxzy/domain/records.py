"""Records: one validated line of the interchange format, ready for the domain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

_NAMESPACE = uuid5(NAMESPACE_URL, "https://cxzy.example/entities")


@dataclass(frozen=True)
class Stamp:
    """What every stored event carries besides its own fields."""

    record_id: str  # the public id (given, or derived from the content)
    at: datetime  # when it happened, aware, in the campaign's zone
    day: date  # the local date of ``at`` in the campaign's zone
    by: str | None = None  # who recorded it
    origin: str | None = None  # where it came from: "file sha256:… line"


@dataclass(frozen=True)
class Record:
    """A record of the interchange format, checked field by field."""

    type: str
    stamp: Stamp
    fields: Mapping[str, Any]  # the type's own fields, normalised, defaults applied
    digest: str  # hash of the canonical content: same id + other digest = conflict
    where: str  # "file:line" for messages
    # (id, digest) pairs the same record had before an empty ``ratings`` was read as
    # none (decision 216), or before its free text's line breaks were all "\n"
    # (decision 305): a store written then holds it so, and it is the same record
    formers: tuple[tuple[str, str], ...] = ()
    id_given: bool = False  # its ``id`` was in the record (else derived from the content)


def entity_id(kind: str, key: str) -> UUID:
    """The aggregate id of an entity named by the users (unit code, commitment id…)."""
    return uuid5(_NAMESPACE, f"{kind}:{key}")
