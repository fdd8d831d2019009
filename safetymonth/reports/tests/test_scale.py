"""A page's cost follows the page, not the tree: the permission rules as SQL filters agree with the
predicates, and the report pages' query counts are pinned and stay the same on a bigger tree."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safetymonth.campaigns.models import Round
from safetymonth.reports import permissions as report_perms
from safetymonth.reports import services
from safetymonth.reports.models import Report, ReportStatus, Value
from safetymonth.reports.templatetags import reports_tags
from safetymonth.reports.tests.helpers import in_status, report_of
from tests.factories import grow_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def wide_round(cast, rnd):
    """Sections, the institution and enterprises report: 商贸流通科 approved, the 加油站 submitted, the
    institution returned (the campaign office 规划秩序科 never reports to itself)."""
    Round.objects.filter(pk=rnd.pk).update(expected_kinds=["section", "institution", "enterprise"])
    rnd.refresh_from_db()
    services.create_expected_reports(rnd)
    in_status(cast, cast.other_section, ReportStatus.APPROVED)
    in_status(cast, cast.enterprise, ReportStatus.SUBMITTED)
    in_status(cast, cast.institution, ReportStatus.RETURNED)
    return rnd


def test_permission_filters_agree_with_the_predicates(cast, wide_round):
    reports = list(Report.objects.select_related("org", "round"))
    for name, user in cast.users_by_role().items():
        fillable = set(Report.objects.filter(report_perms.fillable_q(user)).values_list("pk", flat=True))
        reviewable = set(Report.objects.filter(report_perms.reviewable_q(user)).values_list("pk", flat=True))
        assert fillable == {r.pk for r in reports if report_perms.can_fill(user, r)}, name
        assert reviewable == {r.pk for r in reports if report_perms.can_review(user, r)}, name


def test_home_card_counts_stop_at_the_cap(cast, wide_round, monkeypatch):
    monkeypatch.setattr(reports_tags, "COUNT_CAP", 1)
    in_status(cast, cast.enterprise2, ReportStatus.SUBMITTED)
    tasks = reports_tags.report_tasks(cast.section_staff)
    assert tasks is not None
    assert tasks["to_review_count"] == "1+"  # the section's two enterprises
    assert [r.org for r in tasks["to_review"]] == [cast.enterprise, cast.enterprise2]
    assert tasks["to_fill_count"] == 1 and [r.org for r in tasks["to_fill"]] == [cast.section]
    in_status(cast, cast.section, ReportStatus.SUBMITTED)
    office = reports_tags.report_tasks(cast.office)
    assert office is not None and office["to_review_count"] == 1
    assert [r.org for r in office["to_review"]] == [cast.section]
    assert reports_tags.report_tasks(cast.section_staff)["to_fill_count"] == 0  # type: ignore[index]


def _fill_values(rnd, reports):
    """Every indicator of the form answered in ``reports`` (bulk), to give the roll-up rows to read."""
    indicators = list(rnd.form.indicators.all())
    Value.objects.bulk_create(
        [
            Value(
                report=r,
                indicator=i,
                raw="1",
                int_value=1 if i.kind == "integer" else None,
                bool_value=True if i.kind == "boolean" else None,
                text_value="案例" if i.kind == "text" else "",
            )
            for r in reports
            for i in indicators
        ],
        ignore_conflicts=True,
    )


def _pages(cast, rnd):
    report = report_of(cast, cast.section)
    args = [rnd.campaign.public_id, rnd.code]
    return {
        "home": (cast.office, reverse("core:home")),
        "list_office": (cast.office, reverse("reports:list")),
        "list_enterprise": (cast.enterprise_staff, reverse("reports:list")),
        "nonfilers": (cast.office, reverse("reports:nonfilers", args=args)),
        "rollup_commission": (cast.office, reverse("reports:rollup", args=[*args, cast.commission.public_id])),
        "rollup_section": (cast.section_staff, reverse("reports:rollup", args=[*args, cast.section.public_id])),
        "edit": (cast.section_staff, reverse("reports:edit", args=[report.public_id])),
        "detail": (cast.office, reverse("reports:detail", args=[report.public_id])),
    }


# Pinned: a page that needs more queries than this has started to read per row.
MAX_QUERIES = {
    "home": 18,
    "list_office": 11,
    "list_enterprise": 11,
    "nonfilers": 10,
    "rollup_commission": 20,
    "rollup_section": 20,
    "edit": 20,
    "detail": 18,  # + the hazard ledger's figures beside the blanks they fill (issue 14)
}


def _count(client, user, url):
    client.force_login(user)
    query = {"counting": "submitted"} if "rollup" in url else {}
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_report_pages_query_counts_do_not_grow_with_the_tree(cast, wide_round, client):
    small = {name: _count(client, user, url) for name, (user, url) in _pages(cast, wide_round).items()}
    sections = grow_tree(cast.commission, sections=30, enterprises=8)
    # the round expects only 安全生产责任科室 among sections: make the new ones so, as an office would
    type(cast.commission).objects.filter(pk__in=[s.pk for s in sections]).update(safety_responsible=True)
    assert services.create_expected_reports(wide_round) == 30 * 9  # grow_tree bulk-creates: no signal
    new = Report.objects.filter(round=wide_round, org__parent__in=sections)
    Report.objects.filter(pk__in=new.values("pk")[:100]).update(status=ReportStatus.SUBMITTED)
    _fill_values(wide_round, Report.objects.filter(round=wide_round, status=ReportStatus.SUBMITTED))
    big = {name: _count(client, user, url) for name, (user, url) in _pages(cast, wide_round).items()}
    for name, n in big.items():
        assert n <= MAX_QUERIES[name], (name, n)
        assert n == small[name], (name, small[name], n)


def test_nonfilers_page_is_paged(cast, wide_round, client, monkeypatch):
    from safetymonth.reports import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(cast.office)
    url = reverse("reports:nonfilers", args=[wide_round.campaign.public_id, wide_round.code])
    first, second = client.get(url), client.get(url, {"page": 2})
    names = [r.org.name for r in first.context["reports"]] + [r.org.name for r in second.context["reports"]]
    assert names == ["市场运行科", "大渡口示例超市"]  # in tree order
    assert first.context["page"].paginator.count == 4
    assert "共 4 个单位未提交。" in first.content.decode()
