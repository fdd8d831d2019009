"""Roll-up arithmetic over an org tree, without Django: a value belongs to the org that did the
work; an org's figure is its own value plus the values of every org beneath it.

Integers are summed, yes/no answers counted as the number of yes, texts listed with their source.
Paths are the orgs' materialised paths ("00000001/00000007/"), so "beneath" is a prefix test.

The pages and exports aggregate in SQL (``reports.services.rollup``, ``rollup_cells``) into these
cells; ``roll_up`` is the rule written out in Python, kept as the reference the SQL is tested
against (``reports/tests/test_rollup_reminders.py``), not for use on a whole tree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

INTEGER, BOOLEAN, TEXT = "integer", "boolean", "text"


@dataclass
class Cell:
    """One indicator's figure for one org or a group of orgs."""

    kind: str
    total: int = 0  # integers: sum; yes/no: count of yes
    answered: int = 0  # how many values went in
    texts: list[tuple[str, str]] = field(default_factory=list)  # (org name, text)

    def add(self, org_name: str, value: Any) -> None:
        if value is None or value == "":
            return
        self.answered += 1
        if self.kind == INTEGER:
            self.total += int(value)
        elif self.kind == BOOLEAN:
            self.total += 1 if value else 0
        else:
            self.texts.append((org_name, str(value)))

    @property
    def more(self) -> int:
        """Texts counted in ``answered`` but not listed (a page lists the first few of each cell)."""
        return max(self.answered - len(self.texts), 0) if self.kind == TEXT else 0

    @property
    def display(self) -> str:
        if self.kind == TEXT:
            return "；".join(f"{name}：{text}" for name, text in self.texts)
        return str(self.total) if self.answered else ""


@dataclass(frozen=True)
class Fact:
    """A value reported by one org (one row of the values of counted reports)."""

    org_path: str
    org_name: str
    code: str
    kind: str
    value: Any


def group_key(org_path: str, base_path: str, children: Iterable[str]) -> str | None:
    """Which group an org belongs to under the base org: the base itself (its own values), or the
    direct child whose subtree holds it. None when it is not beneath the base at all."""
    if org_path == base_path:
        return base_path
    if not org_path.startswith(base_path):
        return None
    for child in children:
        if org_path.startswith(child):
            return child
    return None


def roll_up(
    facts: Iterable[Fact], base_path: str, child_paths: list[str], kinds: dict[str, str]
) -> dict[str, dict[str, Cell]]:
    """{group path: {code: Cell}} for the base org's own values, each direct child's subtree, and
    "total" (everything). Every group has a cell for every indicator in ``kinds``."""
    groups: dict[str, dict[str, Cell]] = {
        key: {code: Cell(kind) for code, kind in kinds.items()} for key in [base_path, *child_paths, "total"]
    }
    for fact in facts:
        key = group_key(fact.org_path, base_path, child_paths)
        if key is None or fact.code not in kinds:
            continue
        groups[key][fact.code].add(fact.org_name, fact.value)
        groups["total"][fact.code].add(fact.org_name, fact.value)
    return groups
