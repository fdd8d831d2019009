"""Who is expected to report: one rule (Round.expected_orgs) drives report creation, completeness,
the 催报 list, reminders and the exports. The cast's tree has the campaign office 规划秩序科, two
安全生产责任科室 (市场运行科, 商贸流通科) and, here, a section without that flag (办公室)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safetymonth.campaigns.models import Round, RoundOrgChoice
from safetymonth.dashboard import services as dashboard
from safetymonth.exports import services as exports
from safetymonth.reports import services
from safetymonth.reports.models import COUNT_SUBMITTED, ReminderSent, Report, ReportStatus
from safetymonth.reports.tests.helpers import in_status
from tests.factories import make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def general_office(cast):
    return make_org("办公室", "section", cast.commission)  # not a 安全生产责任科室


def names(qs):
    return sorted(o.name for o in qs)


def test_the_rule_expects_responsible_sections_never_the_office(cast, rnd, general_office):
    assert rnd.responsible_sections_only and rnd.report_to == cast.office_org
    assert names(rnd.expected_orgs()) == ["商贸流通科", "市场运行科"]
    services.create_expected_reports(rnd)
    assert sorted(Report.objects.filter(round=rnd).values_list("org__name", flat=True)) == ["商贸流通科", "市场运行科"]


def test_kinds_includes_and_excludes(cast, rnd, general_office):
    Round.objects.filter(pk=rnd.pk).update(expected_kinds=["section", "institution"])
    rnd.refresh_from_db()
    assert names(rnd.expected_orgs()) == ["区商务发展服务中心", "商贸流通科", "市场运行科"]
    RoundOrgChoice.objects.create(round=rnd, org=general_office, included=True)
    RoundOrgChoice.objects.create(round=rnd, org=cast.other_section, included=False)
    RoundOrgChoice.objects.create(round=rnd, org=cast.office_org, included=True)  # never: the office
    assert names(rnd.expected_orgs()) == ["办公室", "区商务发展服务中心", "市场运行科"]


def test_completeness_and_chasing_follow_the_expected_set(cast, rnd, general_office):
    # a report left over for an org that is no longer expected counts nowhere
    Report.objects.create(round=rnd, org=general_office)
    Report.objects.get_or_create(round=rnd, org=cast.office_org)
    in_status(cast, cast.section, ReportStatus.SUBMITTED)
    total = dashboard.completeness(rnd, cast.commission, COUNT_SUBMITTED).total
    assert (total.expected, total.submitted, total.missing) == (2, 1, 1)  # counted by hand: 2 expected orgs
    assert [r.org.name for r in services.non_filers(rnd)] == ["商贸流通科"]
    report = exports.progress_report(rnd, cast.commission)
    text = repr(report.parts)
    assert "本批次应报单位2个，已报1个" in text and "商贸流通科" in text
    assert "办公室" not in text


def test_reminders_follow_the_expected_set(cast, rnd, general_office):
    Report.objects.create(round=rnd, org=general_office)
    Round.objects.filter(pk=rnd.pk).update(deadline=timezone.now() + dt.timedelta(days=2))
    assert services.send_reminders() == 2  # 市场运行科 and 商贸流通科
    assert set(ReminderSent.objects.values_list("org__name", flat=True)) == {"市场运行科", "商贸流通科"}


def test_the_nonfilers_page_lists_only_expected_orgs(client, cast, rnd, general_office):
    Report.objects.create(round=rnd, org=general_office)
    client.force_login(cast.office)
    html = client.get(reverse("reports:nonfilers", args=[rnd.campaign.public_id, rnd.code])).content.decode()
    assert "商贸流通科" in html and "办公室" not in html
