"""The audit chain without a database: hashing, and the walk that names what was done to it."""

from __future__ import annotations

from datetime import date

from safetymonth.lib.auditchain import GENESIS, ChainEntry, entry_hash, months_before, walk_chain


def _chain(n: int, anchor: str = GENESIS) -> list[ChainEntry]:
    out, prev = [], anchor
    for i in range(1, n + 1):
        content = {"public_id": f"p{i}", "at": "2021-06-01T00:00:00.000000Z", "summary": f"s{i}", "changes": {}}
        digest = entry_hash(content, prev)
        out.append(ChainEntry(i, content, prev, digest))
        prev = digest
    return out


def _kinds(entries, anchor=GENESIS):
    return [(p.kind, p.entry_id, p.after_id) for p in walk_chain(entries, anchor).problems]


def test_hash_covers_content_and_link():
    content = {"summary": "甲", "changes": {"b": 1, "a": [1, 2]}}
    assert entry_hash(content, GENESIS) == entry_hash(dict(reversed(list(content.items()))), GENESIS)
    assert entry_hash(content, GENESIS) != entry_hash({**content, "summary": "乙"}, GENESIS)
    assert entry_hash(content, GENESIS) != entry_hash(content, "1" * 64)


def test_intact_chain_passes_from_its_anchor():
    entries = _chain(5, anchor="a" * 64)
    report = walk_chain(entries, "a" * 64)
    assert report.ok and report.checked == 5 and report.last_hash == entries[-1].chain_hash
    assert _kinds(entries) == [("removed", 1, None)]  # wrong anchor: the start is missing


def test_edit_delete_and_insert_are_told_apart():
    entries = _chain(5)
    edited = list(entries)
    edited[2] = ChainEntry(3, {**entries[2].content, "summary": "changed"}, entries[2].prev_hash, entries[2].chain_hash)
    assert _kinds(edited) == [("changed", 3, None)]

    assert _kinds(entries[:2] + entries[3:]) == [("removed", 4, 2)]

    forged = ChainEntry(99, {"summary": "forged"}, "", "")
    assert _kinds(entries[:2] + [forged] + entries[2:]) == [("inserted", 99, None)]
    linked = {"summary": "forged but linked"}
    clever = ChainEntry(99, linked, entries[1].chain_hash, entry_hash(linked, entries[1].chain_hash))
    assert _kinds(entries[:2] + [clever] + entries[2:]) == [("inserted", 99, None)]


def test_months_before_clamps_to_month_end():
    assert months_before(date(2026, 11, 30), 6) == date(2026, 5, 30)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 6) == date(2025, 9, 15)
