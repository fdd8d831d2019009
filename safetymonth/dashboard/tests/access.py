"""Access rows for every dashboard URL × every role (see tests/access.py).

Each row publishes the 2021 campaign into the cast's tree. The dashboard is for the office and the
leader (the whole tree) and section staff (their section); enterprise staff and tip handlers see the
campaign but hold no dashboard permission (403); users outside the tree do not see it (404). A
chart's CSV is an export: the exports' rule (see exports/tests/access.py)."""

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


def _org_args(attr, *extra):
    def build(cast):
        rnd = round_2021(cast)
        return [rnd.campaign.public_id, rnd.code, getattr(cast, attr).public_id, *extra]

    return build


# Outside the campaign's tree (other_office, no_role) the campaign is invisible: 404.
_ROUND = only(SEES, other_office=404, no_role=404)
# A chart's CSV follows the exports' rule (exports.export): 市场运行科's for the office, the leader and
# its own staff; the other section's staff do not see the org (404); enterprise staff and tip
# handlers hold no export permission (403); outside the campaign's tree, no campaign (404).
_CSV_SECTION = only(["office", "leader", "section_staff"], other_section_staff=404, other_office=404, no_role=404)
_CSV_COMMISSION = {**_CSV_SECTION, "section_staff": 404}

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
    *[
        Row("dashboard:chart_csv", _CSV_SECTION, args=_org_args("section", chart), note=f"section {chart}")
        for chart in ("completeness", "participants", "main")
    ],
    Row(
        "dashboard:chart_csv",
        _CSV_COMMISSION,
        args=_org_args("commission", "main"),
        note="commission",
        query="?counting=approved",
    ),
    # an unknown chart: 404 for those who may export, the same refusals for the others
    Row(
        "dashboard:chart_csv",
        {**_CSV_SECTION, "office": 404, "leader": 404, "section_staff": 404},
        args=_org_args("section", "nonsense"),
        note="unknown chart",
    ),
]
