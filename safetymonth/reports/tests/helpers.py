"""The 2021 campaign published into the cast's tree, its reports, and valid input for its form.

Shared by the tests, the access rows (tests/access.py calls ``args(cast)`` per test) and the
browser test. The campaign definition is the shipped file (safetymonth/campaigns/definitions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safetymonth.campaigns.definition import DEFINITIONS_DIR
from safetymonth.campaigns.models import Campaign, CampaignStatus, IndicatorKind, Round
from safetymonth.campaigns.services import load_campaign, publish_campaign
from safetymonth.reports import services
from safetymonth.reports.models import Report, ReportStatus

CODE_2021 = "dadukou-commerce-2021"
FILE_2021 = DEFINITIONS_DIR / f"{CODE_2021}.yaml"


def published_2021(cast: Any, *, days_to_deadline: int = 10) -> Campaign:
    """The 2021 campaign, loaded and published once; its round's deadline moved ``days_to_deadline``
    days from now (so that entry is open and not late unless a test says otherwise)."""
    campaign = Campaign.objects.filter(code=CODE_2021).first()
    if campaign is None:
        campaign = load_campaign(FILE_2021.read_text(encoding="utf-8"), cast.office).campaign
    if campaign.status == CampaignStatus.DRAFT:
        publish_campaign(cast.office, campaign)
        Round.objects.filter(campaign=campaign).update(deadline=timezone.now() + dt.timedelta(days=days_to_deadline))
    campaign.refresh_from_db()
    for rnd in campaign.rounds.all():
        services.create_expected_reports(rnd)
    return campaign


def round_2021(cast: Any) -> Round:
    return published_2021(cast).rounds.select_related("campaign", "form").get()


def report_of(cast: Any, org: Any) -> Report:
    rnd = round_2021(cast)
    return Report.objects.select_related("org", "round", "round__campaign", "round__form").get(round=rnd, org=org)


def valid_data(form: Any, *, number: int = 10, **overrides: Any) -> dict[str, str]:
    """A complete, valid POST for the form: every integer ``number`` (participants = sessions holds
    the rules), every yes/no 是, every text filled; plus the header."""
    data: dict[str, str] = {
        "contact_name": "张三",
        "contact_phone": "023-68083116",
        "filled_on": "2021-06-25",
    }
    for ind in form.indicators.all():
        if ind.kind == IndicatorKind.INTEGER:
            data[f"ind-{ind.code}"] = str(number)
        elif ind.kind == IndicatorKind.BOOLEAN:
            data[f"ind-{ind.code}"] = "yes"
        else:
            data[f"ind-{ind.code}"] = "典型案例"
    for key, value in overrides.items():
        data[key if key in ("contact_name", "contact_phone", "filled_on") else f"ind-{key}"] = value
    return data


def in_status(cast: Any, org: Any, status: str, *, number: int = 10) -> Report:
    """The org's 2021 report brought into ``status`` through the services (valid values)."""
    report = report_of(cast, org)
    filler = _filler(cast, org)
    if status == ReportStatus.DRAFT:
        return report
    services.submit_report(filler, report, valid_data(report.round.form, number=number), report.version)
    if status == ReportStatus.SUBMITTED:
        return report
    if status == ReportStatus.RETURNED:
        services.return_report(cast.office, report, "请核实数据")
        return report
    if status == ReportStatus.APPROVED:
        services.approve_report(cast.office, report)
        return report
    raise ValueError(status)


def _filler(cast: Any, org: Any) -> Any:
    from tests.factories import make_user

    if org == cast.section:
        return cast.section_staff
    if org == cast.other_section:
        return cast.other_section_staff
    if org == cast.enterprise:
        return cast.enterprise_staff
    username = f"filler_{org.pk}"
    from safetymonth.accounts.models import Role, User

    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    role = Role.ENTERPRISE_STAFF if org.kind == "enterprise" else Role.SECTION_STAFF
    return make_user(username, org, role)
