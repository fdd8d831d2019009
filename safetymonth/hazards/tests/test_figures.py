"""Ledger figures in the campaign form: the 2021 definition maps item 3's 曝光问题隐患 and 典型案例;
figures count within the campaign's dates with the roll-up rule of events; the report page shows
them beside the blanks; the definition check refuses bad mappings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safetymonth.campaigns import definition
from safetymonth.campaigns.definition import DefinitionError
from safetymonth.campaigns.models import Round
from safetymonth.hazards.models import ExposureCase, HazardStatus
from safetymonth.hazards.queries import ledger_figures
from safetymonth.hazards.tests.helpers import make_case, make_hazard
from safetymonth.reports.tests.helpers import FILE_2021, published_2021, report_of


def _published_on(case, day):
    ExposureCase.objects.filter(pk=case.pk).update(
        published_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    )


def _ledger(campaign, org, kinds):
    """The ledger's figures of ``org`` in the campaign's round expecting ``kinds`` (the campaign as
    the test holds it, mapping changed in memory)."""
    rnd = campaign.rounds.get()
    Round.objects.filter(pk=rnd.pk).update(expected_kinds=list(kinds))
    rnd.refresh_from_db()
    rnd.campaign = campaign
    return ledger_figures(rnd, org)


def _with_ledger(mapping):
    data, located = definition.parse_yaml(FILE_2021.read_text(encoding="utf-8"))
    data["ledger_figures"] = mapping
    return data, located


def test_2021_definition_maps_item_3():
    data, _located = definition.read(FILE_2021.read_text(encoding="utf-8"))
    assert data["ledger_figures"] == {"exposures_published": "hazards_exposed", "typical_cases": "typical_cases_detail"}


def test_figures_within_the_campaign_dates_and_roll_up(cast):
    campaign = published_2021(cast)
    campaign.ledger_figures = {
        **campaign.ledger_figures,
        "hazards_found": "meeting_briefings",
    }
    assert campaign.ledger_figures["exposures_published"] == "hazards_exposed"
    june = dt.date(2021, 6, 10)
    a = make_case(cast, make_hazard(cast, found_on=june), title="加油站静电接地失效")
    b = make_case(cast, make_hazard(cast, org=cast.enterprise2, found_on=june), title="超市安全出口堵塞")
    c = make_case(cast, make_hazard(cast, org=cast.other_enterprise, found_on=june), title="别处的案例")
    old = make_case(cast, make_hazard(cast, found_on=june), title="活动之前的案例")
    draft = make_case(cast, make_hazard(cast, found_on=june), published=False, title="草稿")
    for case in (a, b, c):
        _published_on(case, dt.date(2021, 6, 20))
    _published_on(old, dt.date(2020, 12, 1))
    make_hazard(cast, found_on=dt.date(2020, 5, 1))  # before the campaign
    figures = _ledger(campaign, cast.section, ["section"])
    exposed = figures["hazards_exposed"]
    assert (exposed.own, exposed.beneath, exposed.total) == (0, 2, 2)
    assert figures["typical_cases_detail"].total == "加油站静电接地失效；超市安全出口堵塞"
    assert figures["meeting_briefings"].total == 4  # found in June 2021 in both enterprises
    # an enterprise expected to report keeps its own figures; the section no longer counts them
    figures = _ledger(campaign, cast.section, ["section", "enterprise"])
    assert figures["hazards_exposed"].total == 0
    assert _ledger(campaign, cast.enterprise, ["section", "enterprise"])["hazards_exposed"].own == 1
    assert draft.status == "draft"


def test_rectified_counts_verified_within_the_dates(cast):
    campaign = published_2021(cast)
    campaign.ledger_figures = {"hazards_rectified": "meeting_briefings"}
    make_hazard(cast, status=HazardStatus.CLOSED, found_on=dt.date(2021, 6, 1), verified_on=dt.date(2021, 6, 30))
    make_hazard(cast, status=HazardStatus.CLOSED, found_on=dt.date(2021, 6, 1), verified_on=dt.date(2022, 1, 5))
    assert _ledger(campaign, cast.section, ["section"])["meeting_briefings"].total == 1


def test_report_page_shows_the_ledger_figure_with_take(client, cast):
    published_2021(cast)
    case = make_case(cast, make_hazard(cast, found_on=dt.date(2021, 6, 10)), title="加油站静电接地失效")
    _published_on(case, dt.date(2021, 6, 20))
    report = report_of(cast, cast.section)
    client.force_login(cast.section_staff)
    html = client.get(reverse("reports:edit", args=[report.public_id])).content.decode()
    assert 'data-testid="recorded-hazards_exposed"' in html
    assert "隐患台账（" in html and 'data-testid="take-hazards_exposed"' in html
    assert 'data-take="加油站静电接地失效"' in html


def test_definition_check_refuses_bad_mappings():
    cases = {
        "hazards_found": "no_such_code",  # no such indicator
        "hazards_rectified": "typical_cases_detail",  # a text indicator for a count
        "exposures_published": "lecture_sessions",  # already filled by an event type
        "typical_cases": "media_reposts",  # an integer indicator for the titles
    }
    data, located = _with_ledger(cases)
    with pytest.raises(DefinitionError) as info:
        definition.validate(data, located)
    paths = sorted(p.path for p in info.value.problems)
    assert paths == sorted(f"ledger_figures.{k}" for k in cases), [str(p) for p in info.value.problems]
    data, located = _with_ledger({"hazards_found": "meeting_briefings"})
    assert definition.validate(data, located)["ledger_figures"] == {"hazards_found": "meeting_briefings"}


def test_no_published_case_offers_no_typical_cases_text(cast):
    campaign = published_2021(cast)
    figures = _ledger(campaign, cast.section, ["section"])
    assert "typical_cases_detail" not in figures and figures["hazards_exposed"].total == 0
