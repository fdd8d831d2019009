"""The audit log's hash chain, without Django: the canonical form of an entry, its hash, and the walk
that tells a changed entry from a removed or an inserted one.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's content serialised as
sorted, compact JSON (UTF-8). The first entry links to ``GENESIS``; after an archive, the first kept
entry links to the last archived entry's hash (the anchor).
"""

from __future__ import annotations

import calendar
import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any

GENESIS = "0" * 64

# The content a hash covers. The actor's and org's foreign keys are left out on purpose: deleting a
# user or an org sets them to NULL (the names and the org path are kept as copies, and covered).
CHAINED_FIELDS = (
    "public_id",
    "at",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "org_path",
    "ip",
    "user_agent",
    "summary",
    "changes",
)


def content_of(entry: Any) -> dict[str, Any]:
    """The chained fields of an audit entry object (model instance or any object with the attributes),
    ``at`` as UTC ISO 8601 with microseconds, an empty address as None."""
    content = {name: getattr(entry, name) for name in CHAINED_FIELDS}
    content["at"] = entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content["ip"] = entry.ip or None
    return content


def canonical(content: Mapping[str, Any]) -> bytes:
    """The entry's content as sorted, compact JSON. ``at`` must already be a string (UTC ISO 8601)."""
    data = {name: content.get(name) for name in CHAINED_FIELDS}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(content: Mapping[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(content)).hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    id: int
    content: Mapping[str, Any]
    prev_hash: str
    chain_hash: str


@dataclass(frozen=True)
class Problem:
    kind: str  # "changed", "removed", "inserted" (and, from the head checks, "removed_end", "head_missing")
    entry_id: int | None
    after_id: int | None = None  # "removed": the last good entry before the break (None: the start)


@dataclass
class ChainReport:
    checked: int = 0
    last_id: int | None = None
    last_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def walk_chain(entries: Iterable[ChainEntry], anchor_hash: str = GENESIS, window: int = 10_000) -> ChainReport:
    """Check entries given in id order against each other, starting from ``anchor_hash``.

    - an entry whose stored hash does not match its content was **changed**;
    - an entry that links to an entry before its predecessor shows that the entries in between were
      **inserted** (their own faults are then reported as that insertion, once);
    - an entry that links to no entry seen (within ``window`` entries) shows that entries before it
      were **removed** (or its predecessor's hash was rewritten).
    """
    report = ChainReport(last_hash=anchor_hash)
    seen: OrderedDict[str, int | None] = OrderedDict({anchor_hash: None})  # hash -> entry id
    order: list[int] = []  # ids in the window, in order
    pending: dict[int, list[Problem]] = {}  # faults of recent entries, until the next link clears them
    for entry in entries:
        report.checked += 1
        faults: list[Problem] = []
        if entry_hash(entry.content, entry.prev_hash) != entry.chain_hash:
            faults.append(Problem("changed", entry.id))
        if entry.prev_hash != report.last_hash:
            if entry.prev_hash in seen:
                linked = seen[entry.prev_hash]
                between = [i for i in order if linked is None or i > linked]
                for i in between:
                    pending.pop(i, None)
                    report.problems.append(Problem("inserted", i))
            else:
                faults.append(Problem("removed", entry.id, report.last_id))
        # Faults wait one step: if the next entry skips this one, it was inserted, not changed.
        for i in list(pending):
            report.problems.extend(pending.pop(i))
        if faults:
            pending[entry.id] = faults
        seen[entry.chain_hash] = entry.id
        order.append(entry.id)
        if len(order) > window:
            order.pop(0)
        if len(seen) > window + 1:
            seen.popitem(last=False)
        report.last_id, report.last_hash = entry.id, entry.chain_hash
    for faults in pending.values():
        report.problems.extend(faults)
    return report


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
