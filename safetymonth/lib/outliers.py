"""Soft outlier checks for reported numbers (as DHIS2's outlier detection, kept simple).

A number is *unusual* when it is far above what the same org reported for the same indicator in
its previous campaign, or far above the median of its peers (other orgs reporting the same round).
Unusual numbers are not errors: the reporter is asked to explain them in a comment.

- Against the previous campaign: ``value > PREVIOUS_FACTOR × previous`` and
  ``value − previous ≥ MIN_DIFFERENCE``.
- Against peers (only with at least ``MIN_PEERS`` peer values): ``value > PEER_FACTOR × median``
  and ``value − median ≥ MIN_DIFFERENCE``.

The minimum difference keeps small numbers (2 sessions instead of 0) from being flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

PREVIOUS_FACTOR = 3
PEER_FACTOR = 5
MIN_DIFFERENCE = 20
MIN_PEERS = 3


@dataclass(frozen=True)
class Outlier:
    basis: str  # "previous" or "peers"
    reference: float  # the previous value or the peers' median


def check(value: int | None, previous: int | None = None, peers: Sequence[int] = ()) -> Outlier | None:
    """The first reason ``value`` is unusual, or None."""
    if value is None:
        return None
    if previous is not None and value > PREVIOUS_FACTOR * previous and value - previous >= MIN_DIFFERENCE:
        return Outlier("previous", previous)
    if len(peers) >= MIN_PEERS:
        mid = median(peers)
        if value > PEER_FACTOR * mid and value - mid >= MIN_DIFFERENCE:
            return Outlier("peers", mid)
    return None
