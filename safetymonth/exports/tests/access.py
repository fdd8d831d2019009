"""Access rows for every export URL × every role (see tests/access.py): the same rule as the
dashboard with the ``exports.export`` permission (office, leader, section staff in their scope)."""

from __future__ import annotations

from safetymonth.reports.tests.helpers import round_2021
from tests.access import Row, only


def _org_args(attr):
    def build(cast):
        rnd = round_2021(cast)
        return [rnd.campaign.public_id, rnd.code, getattr(cast, attr).public_id]

    return build


# 市场运行科's exports: the office, the leader and its own staff; the other section's staff do not
# see the org (404); enterprise staff and tip handlers hold no export permission (403); users
# outside the campaign's tree do not see the campaign (404).
_SECTION = only(["office", "leader", "section_staff"], other_section_staff=404, other_office=404, no_role=404)
_COMMISSION = {**_SECTION, "section_staff": 404}

ACCESS = [
    *[
        Row(name, _SECTION, args=_org_args("section"), query=query)
        for name, query in [
            ("exports:table_xlsx", "?source=own"),
            ("exports:table_docx", "?source=rollup&counting=approved"),
            ("exports:workbook", ""),
            ("exports:report", ""),
            ("exports:values_csv", ""),
        ]
    ],
    Row("exports:report", _COMMISSION, args=_org_args("commission"), note="commission"),
    Row("exports:table_xlsx", _COMMISSION, args=_org_args("commission"), note="commission", query="?source=rollup"),
]
