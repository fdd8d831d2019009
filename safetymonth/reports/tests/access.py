"""Access rows for every reports URL × every role (see tests/access.py).

The cast has no campaign: each row's ``args`` publishes the 2021 campaign into the cast's tree
(helpers.published_2021) and brings 市场运行科's report (the section of ``section_staff``) into the
state the row needs."""

from __future__ import annotations

from safetymonth.reports.models import ReportStatus
from safetymonth.reports.tests.helpers import in_status, published_2021, report_of, round_2021
from tests.access import Row, only, statuses

# Who sees 市场运行科's report: the office and the leader (commission), its own staff.
SEES = ["office", "leader", "section_staff"]


def _sees(ok: int = 200) -> dict[str, int]:
    return only(SEES, ok=ok, denied=404)


def _report_args(status: str = ReportStatus.DRAFT):
    def build(cast):
        published_2021(cast)
        report = (
            report_of(cast, cast.section) if status == ReportStatus.DRAFT else in_status(cast, cast.section, status)
        )
        return [report.public_id]

    return build


def _round_args(cast):
    rnd = round_2021(cast)
    return [rnd.campaign.public_id, rnd.code]


def _rollup_args(org_attr: str):
    def build(cast):
        rnd = round_2021(cast)
        return [rnd.campaign.public_id, rnd.code, getattr(cast, org_attr).public_id]

    return build


def _other_section_report(cast):
    published_2021(cast)
    return [report_of(cast, cast.other_section).public_id]


def _save_data(cast):
    return {"version": "1", "action": "save", "ind-lecture_sessions": "2"}


ACCESS = [
    # everyone with reports.view (office, leader, section and enterprise staff); other_office sees an empty list
    Row(
        "reports:list",
        only(
            [
                "office",
                "leader",
                "section_staff",
                "enterprise_staff",
                "other_section_staff",
                "other_enterprise_staff",
                "other_office",
            ]
        ),
    ),
    Row("reports:notifications", statuses(200)),
    Row("reports:detail", _sees(), args=_report_args()),
    Row("reports:history", _sees(), args=_report_args(ReportStatus.SUBMITTED)),
    # only the section's own staff fill; the office and leader see it but may not edit (403)
    Row("reports:edit", only(["section_staff"], denied=404, office=403, leader=403), args=_report_args()),
    Row(
        "reports:edit",
        only(["section_staff"], ok=302, denied=404, office=403, leader=403),
        args=_report_args(),
        method="post",
        data=_save_data,
        note="save",
    ),
    Row(
        "reports:edit",
        only(["section_staff"], ok=302, denied=404, office=403, leader=403),
        args=_report_args(ReportStatus.APPROVED),
        note="approved-redirects",
    ),
    Row(
        "reports:review",
        only(["office"], ok=302, denied=404, leader=403, section_staff=403),
        args=_report_args(ReportStatus.SUBMITTED),
        method="post",
        data=lambda c: {"action": "approve"},
    ),
    Row(
        "reports:review",
        only(["office"], ok=302, denied=404, leader=403, section_staff=403),
        args=_report_args(ReportStatus.APPROVED),
        method="post",
        data=lambda c: {"action": "reopen", "reason": "更正"},
        note="reopen",
    ),
    # 催报 商贸流通科: the office only (the other section's own staff may not chase itself)
    Row(
        "reports:chase",
        only(["office"], ok=302, denied=404, leader=403, other_section_staff=403),
        args=_other_section_report,
        method="post",
    ),
    Row(
        "reports:nonfilers",
        only(
            ["office", "section_staff", "other_section_staff"],
            other_office=404,
            enterprise_staff=403,
            other_enterprise_staff=403,
            tip_handler=403,
            leader=403,
            no_role=404,
        ),
        args=_round_args,
    ),
    Row(
        "reports:rollup",
        only(["office", "leader"], denied=404, tip_handler=403, no_role=404),
        args=_rollup_args("commission"),
        note="commission",
    ),
    Row(
        "reports:rollup",
        only(["office", "leader", "section_staff"], denied=404, tip_handler=403),
        args=_rollup_args("section"),
        note="section",
    ),
]
