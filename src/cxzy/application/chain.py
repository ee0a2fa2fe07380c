"""The hash chain over the log: what each link covers, computed one way only.

Link ``n`` is the SHA-256 of the previous link, the position ``n``, the recorded
time of the event at ``n`` (as the read model keeps it: UTC text, non-decreasing
along the log) and the *content hash* of the stored event: its row in
``stored_events`` exactly as eventsourcing wrote it — originator id, originator
version, topic and state bytes. Any edit of those columns, a deleted, inserted
or swapped row, or a changed recorded time breaks the link at that position and
every link after it.

The chain is written by the read model in the same transaction as the events
(``cx_chain``); ``cxzy verify`` recomputes it from ``stored_events``.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

GENESIS = "0" * 64  # the "previous link" of position 1
_DOMAIN = b"cxzy-chain-1"


def content_hash(stored: Any) -> str:
    """SHA-256 of a stored event's row (``originator_id``, ``originator_version``,
    ``topic``, ``state``), with the originator id as eventsourcing stores it."""
    originator = stored.originator_id
    oid = originator.hex if isinstance(originator, UUID) else str(originator)
    digest = hashlib.sha256()
    digest.update(f"{oid}\x00{stored.originator_version}\x00{stored.topic}\x00".encode())
    digest.update(bytes(stored.state))
    return digest.hexdigest()


def link(previous: str, position: int, recorded: str, content: str) -> str:
    """The chain's hash at ``position``."""
    text = f"{previous}\n{position}\n{recorded}\n{content}".encode()
    return hashlib.sha256(_DOMAIN + b"\n" + text).hexdigest()
