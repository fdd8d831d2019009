"""Access rows for every dashboard URL × every role (see tests/access.py).

Each row publishes the 2021 campaign into the cast's tree. The dashboard is for the office and the
leader (the whole tree) and section staff (their section); enterprise staff and tip handlers see the
campaign but hold no dashboard permission (403); users outside the tree do not see it (404)."""

from __future__ import annotations

from safetymonth.reports.tests.helpers import published_2021, round_2021
from tests.access import Row, only

SEES = ["office", "leader", "section_staff", "other_section_staff"]


def _index_args(cast):
    published_2021(cast)
    return []


def _round_args(cast):
    rnd = round_2021(cast)
    return [rnd.campaign.public_id, rnd.code]


def _org_args(attr):
    def build(cast):
        rnd = round_2021(cast)
        return [rnd.campaign.public_id, rnd.code, getattr(cast, attr).public_id]

    return build


# Outside the campaign's tree (other_office, no_role) the campaign is invisible: 404.
_ROUND = only(SEES, other_office=404, no_role=404)

ACCESS = [
    # redirects to the newest round; other_office holds the permission but sees no campaign
    Row("dashboard:index", only(SEES, ok=302, other_office=200), args=_index_args),
    Row("dashboard:campaign", _ROUND, args=_round_args),
    # 市场运行科: its own staff and the commission; the other section's staff do not see it (404)
    Row("dashboard:section", {**_ROUND, "other_section_staff": 404}, args=_org_args("section"), note="section"),
    # the commission itself: only the office and the leader
    Row(
        "dashboard:section",
        {**_ROUND, "section_staff": 404, "other_section_staff": 404},
        args=_org_args("commission"),
        note="commission",
    ),
]
