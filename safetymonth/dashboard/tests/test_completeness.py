"""Completeness and totals on a tree with known values (tests/helpers.known_tree), zero vs missing,
late vs on time, and query counts that stay flat from 10 to 1,000 orgs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safetymonth.dashboard import services
from safetymonth.dashboard.tests.helpers import grow, known_tree
from safetymonth.reports.models import COUNT_APPROVED, COUNT_SUBMITTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(cast):
    return known_tree(cast)


def _by_name(result):
    return {("本单位" if g.own else g.org.name): g for g in result.groups}


def test_commission_completeness_counting_submitted(cast, rnd):
    result = services.completeness(rnd, cast.commission, COUNT_SUBMITTED)
    t = result.total
    assert (t.expected, t.submitted, t.on_time, t.late, t.missing) == (6, 4, 3, 1, 2)
    assert (t.returned, t.approved, t.awaiting_review, t.draft) == (1, 2, 2, 1)
    assert t.rate == 66.7
    assert t.on_time_rate == 50.0
    groups = _by_name(result)
    assert set(groups) == {"区商务发展服务中心", "市场运行科", "商贸流通科"}  # not the commission, not the office
    market = groups["市场运行科"]
    assert (market.expected, market.submitted, market.on_time, market.late, market.rate) == (3, 3, 3, 0, 100.0)
    trade = groups["商贸流通科"]
    assert (trade.expected, trade.submitted, trade.late, trade.missing) == (2, 1, 1, 1)
    planning = groups["区商务发展服务中心"]
    assert (planning.expected, planning.submitted, planning.returned, planning.rate) == (1, 0, 1, 0.0)


def test_counting_approved_only(cast, rnd):
    t = services.completeness(rnd, cast.commission, COUNT_APPROVED).total
    assert (t.expected, t.submitted, t.on_time, t.late, t.missing) == (6, 2, 2, 0, 4)
    assert t.rate == 33.3


def test_section_drill_down_has_own_report_and_each_enterprise(cast, rnd):
    result = services.completeness(rnd, cast.section, COUNT_SUBMITTED)
    assert [("本单位" if g.own else g.org.name) for g in result.groups] == [
        "本单位",
        "大渡口示例加油站",
        "大渡口示例超市",
    ]
    assert [g.submitted for g in result.groups] == [1, 1, 1]


def test_nothing_expected_gives_no_rate(cast, rnd):
    t = services.completeness(rnd, cast.office_org, COUNT_SUBMITTED).total  # the office never reports
    assert t.expected == 0 and t.rate is None


def _totals(items):
    return {t.indicator.code: t.total for it in items for t in it.totals}


def test_indicator_totals_zero_vs_missing(cast, rnd):
    totals = _totals(services.indicator_totals(rnd, cast.commission, COUNT_SUBMITTED))
    assert totals["lecture_sessions"] == 10 + 3 + 0 + 7  # the draft (100) and returned (1) never count
    assert totals["special_film_studied"] == 4  # orgs answering 是
    # 超市 reported 0: a zero, not a missing figure
    supermarket = _totals(services.indicator_totals(rnd, cast.enterprise2, COUNT_SUBMITTED))
    assert supermarket["lecture_sessions"] == 0
    # 商贸流通科's subtree counting approved reports only: nothing counted, so missing (None)
    trade = _totals(services.indicator_totals(rnd, cast.other_section, COUNT_APPROVED))
    assert trade["lecture_sessions"] is None
    texts = _totals(services.indicator_totals(rnd, cast.commission, COUNT_APPROVED))["typical_cases_detail"]
    assert ("大渡口示例加油站", "加油站开展应急演练") in texts


def test_participants_per_item_sum_the_person_time_indicators(cast, rnd):
    items = services.indicator_totals(rnd, cast.commission, COUNT_SUBMITTED)
    first = items[0]
    expected = sum(t.total or 0 for t in first.totals if t.indicator.unit == "人次" and t.indicator.kind == "integer")
    assert first.participants == expected > 0


def test_group_totals_by_section(cast, rnd):
    by_group = services.group_totals(rnd, cast.commission, COUNT_SUBMITTED)
    assert by_group[cast.section.path]["lecture_sessions"] == 13
    assert by_group[cast.other_section.path]["lecture_sessions"] == 7
    assert cast.institution.path not in by_group  # returned: not counted
    assert by_group[cast.section.path]["special_film_studied"] == 3


def _dashboard_queries(client, django_assert_max_num_queries, cast, rnd, limit):
    client.force_login(cast.office)
    url = reverse("dashboard:section", args=[rnd.campaign.public_id, rnd.code, cast.section.public_id])
    with django_assert_max_num_queries(limit) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_flat_from_10_to_1000_orgs(client, cast, rnd, django_assert_max_num_queries):
    grow(cast.section, rnd, 10)
    small = services.completeness(rnd, cast.section).total.expected
    # 25, and 4 for the share of figures backed by events with evidence (events.services.backed_share)
    q_small = _dashboard_queries(client, django_assert_max_num_queries, cast, rnd, 29)
    grow(cast.section, rnd, 990, start=10)
    assert services.completeness(rnd, cast.section).total.expected == small + 990
    q_big = _dashboard_queries(client, django_assert_max_num_queries, cast, rnd, 29)
    assert q_big == q_small
    totals = _totals(services.indicator_totals(rnd, cast.section, COUNT_SUBMITTED))
    assert totals["lecture_sessions"] == 10 + 3 + 0 + 2 * 1000


def test_service_query_counts(cast, rnd, django_assert_num_queries):
    grow(cast.section, rnd, 50)
    with django_assert_num_queries(2):
        services.completeness(rnd, cast.commission)
    with django_assert_num_queries(1):
        services.group_totals(rnd, cast.commission)
    indicators = services.form_indicators(rnd)
    with django_assert_num_queries(3):
        services.indicator_totals(rnd, cast.commission, COUNT_SUBMITTED, indicators)
