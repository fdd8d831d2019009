"""Indicator figures computed from events over the tree: own / beneath, the not-expected rule,
moving an event to another type, evidence counts, and fixed query counts."""

from __future__ import annotations

from safetymonth.campaigns.models import EventType, Indicator, Round, RoundOrgChoice
from safetymonth.events import services
from safetymonth.events.tests.helpers import make_event, make_material
from safetymonth.evidence.models import ReviewState
from safetymonth.reports.tests.helpers import published_2021, round_2021


def _round(cast, kinds=("section",)) -> Round:
    rnd = round_2021(cast)
    Round.objects.filter(pk=rnd.pk).update(expected_kinds=list(kinds))
    rnd.refresh_from_db()
    return rnd


def _figures(cast, org, kinds=("section",)):
    return services.report_figures(_round(cast, kinds), org).figures


def test_section_figure_is_own_plus_enterprises_not_expected(cast):
    make_event(cast, cast.section, "drill", participants=20)
    make_event(cast, cast.enterprise, "drill", participants=35)
    make_event(cast, cast.enterprise2, "drill", participants=5)
    make_event(cast, cast.other_enterprise, "drill", participants=100)  # another section's
    figs = _figures(cast, cast.section)
    assert (figs["drills"].own, figs["drills"].beneath, figs["drills"].total) == (1, 2, 3)
    assert (figs["drill_participants"].own, figs["drill_participants"].beneath) == (20, 40)
    assert figs["drills"].events == 3
    # nothing recorded for another type
    assert figs["lecture_sessions"].total == 0


def test_who_reports_follows_the_rounds_expected_orgs_not_just_kinds(cast):
    """The roll-up asks Round.expected_orgs() (the one rule): an enterprise the office includes
    keeps its events in its own report; an excluded section's events roll up into the org above."""
    make_event(cast, cast.enterprise, "drill", participants=35)
    make_event(cast, cast.enterprise2, "drill", participants=5)
    make_event(cast, cast.section, "drill", participants=20)
    rnd = _round(cast)
    RoundOrgChoice.objects.create(round=rnd, org=cast.enterprise, included=True)
    assert services.report_figures(rnd, cast.enterprise).figures["drill_participants"].total == 35
    assert services.report_figures(rnd, cast.section).figures["drill_participants"].total == 25
    # the section excluded: its events and its (not expected) enterprise's count above it
    RoundOrgChoice.objects.create(round=rnd, org=cast.section, included=False)
    above = cast.section.parent
    figs = services.report_figures(rnd, above).figures
    assert figs["drill_participants"].beneath == 25 and figs["drills"].beneath == 2


def test_enterprises_expected_too_count_in_their_own_reports_only(cast):
    make_event(cast, cast.section, "drill", participants=20)
    make_event(cast, cast.enterprise, "drill", participants=35)
    kinds = ("section", "enterprise")
    section = _figures(cast, cast.section, kinds)
    assert (section["drills"].own, section["drills"].beneath) == (1, 0)
    assert section["drill_participants"].total == 20
    enterprise = _figures(cast, cast.enterprise, kinds)
    assert enterprise["drills"].total == 1 and enterprise["drill_participants"].total == 35


def test_commission_does_not_count_what_sections_report(cast):
    make_event(cast, cast.enterprise, "drill", participants=35)
    make_event(cast, cast.commission, "drill", participants=3)
    figs = _figures(cast, cast.commission, ("section",))
    assert figs["drills"].total == 1 and figs["drill_participants"].total == 3


def test_event_moved_to_another_type_totals_follow(cast):
    event = make_event(cast, cast.enterprise, "drill", participants=35)
    make_event(cast, cast.enterprise, "lecture", participants=50)
    figs = _figures(cast, cast.section)
    assert figs["drills"].total == 1 and figs["lecture_sessions"].total == 1
    lecture = EventType.objects.get(campaign=event.campaign, code="lecture")
    services.update_event(cast.enterprise_staff, event, {"event_type": lecture}, expected_version=1)
    figs = _figures(cast, cast.section)
    assert figs["drills"].total == 0 and figs["drill_participants"].total == 0
    assert figs["lecture_sessions"].total == 2 and figs["lecture_participants"].total == 85


def test_mapping_changed_figures_follow(cast):
    make_event(cast, cast.enterprise, "publicity_product")
    assert _figures(cast, cast.section)["safety_products"].total == 1
    campaign = published_2021(cast)
    t = EventType.objects.get(campaign=campaign, code="publicity_product")
    t.count_indicator = None
    t.save()
    assert "safety_products" not in _figures(cast, cast.section)


def test_materials_and_backed_figures(cast):
    with_photos = make_event(cast, cast.enterprise, "drill", participants=35)
    make_event(cast, cast.enterprise2, "drill", participants=5)  # no evidence
    make_material(cast, cast.enterprise, event=with_photos, n=1)
    make_material(cast, cast.enterprise, event=with_photos, n=2)
    rejected = make_material(cast, cast.enterprise, event=with_photos, n=3)
    rejected.review_state, rejected.review_reason = ReviewState.REJECTED, "模糊"
    rejected.save()
    drills = Indicator.objects.get(form__campaign=with_photos.campaign, code="drills")
    make_material(cast, cast.section, indicator=drills, n=4)
    make_material(cast, cast.other_section, indicator=drills, n=5)  # not this section's
    result = services.report_figures(round_2021(cast), cast.section)
    figs = result.figures
    assert figs["drills"].materials == 3  # two photos of the event + one at the indicator
    assert figs["drill_participants"].materials == 2
    assert figs["drills"].backed == 1 and figs["drill_participants"].backed == 35
    assert figs["drills"].total == 2


def test_query_count_is_fixed(cast, django_assert_num_queries):
    rnd = round_2021(cast)
    with django_assert_num_queries(4):
        services.report_figures(rnd, cast.section)
    for code in ("drill", "lecture", "consultation", "online_activity", "media_report"):
        for org in (cast.section, cast.enterprise, cast.enterprise2):
            e = make_event(cast, org, code)
            make_material(cast, org, event=e, n=e.pk)
    with django_assert_num_queries(4):
        figs = services.report_figures(rnd, cast.section).figures
    assert figs["consultation_events"].total == 3


def test_backed_share(cast, django_assert_num_queries):
    from safetymonth.reports.models import ReportStatus, Value
    from safetymonth.reports.tests.helpers import report_of

    rnd = round_2021(cast)
    report = report_of(cast, cast.section)
    report.status = ReportStatus.SUBMITTED
    report.save()
    inds = {i.code: i for i in Indicator.objects.filter(form=rnd.form)}
    for code, value in (("drills", 1), ("drill_participants", 35), ("lecture_sessions", 2)):
        Value.objects.create(report=report, indicator=inds[code], raw=str(value), int_value=value)
    statuses = [ReportStatus.SUBMITTED, ReportStatus.APPROVED]
    share = services.backed_share(rnd, cast.commission, statuses)
    assert (share.total.reported, share.total.backed) == (3, 0)
    e = make_event(cast, cast.enterprise, "drill", participants=35)
    make_material(cast, cast.enterprise, event=e)
    with django_assert_num_queries(4):
        share = services.backed_share(rnd, cast.commission, statuses)
    assert (share.total.reported, share.total.backed) == (3, 2)
    assert share.total.rate == 66.7
    (group,) = share.groups
    assert group.key == cast.section.path and group.backed == 2
