"""What will be tried: the 2021 form filled only from events for one section, compared with
figures typed by hand."""

from __future__ import annotations

import re

from django.urls import reverse

from safetymonth.campaigns.models import EventType
from safetymonth.events import services
from safetymonth.events.tests.helpers import make_event
from safetymonth.reports import services as report_services
from safetymonth.reports.tests.helpers import published_2021, report_of, valid_data


def test_section_form_filled_only_from_events(client, cast):
    campaign = published_2021(cast)
    people = {"section": 12, "enterprise": 30, "enterprise2": 7}
    for t in EventType.objects.filter(campaign=campaign):
        for attr, n in people.items():
            make_event(cast, getattr(cast, attr), t.code, participants=n)
    report = report_of(cast, cast.section)
    figures = services.figures_for_round(report.round, report.org).figures
    assert len(figures) == 22  # 10 types with both numbers, 2 with a count only
    assert {f.total for code, f in figures.items() if f.source == "count"} == {3}
    assert {f.total for f in figures.values() if f.source == "participants"} == {49}

    # every mapped blank taken from the events, the rest as typed by hand: the report submits
    data = valid_data(report.round.form, number=0, **{code: str(f.total) for code, f in figures.items()})
    result = report_services.submit_report(cast.section_staff, report, data, report.version)
    assert result.submitted, result.check.errors
    stored = {v.indicator.code: v.int_value for v in report.values.select_related("indicator")}
    assert all(stored[code] == f.total for code, f in figures.items())

    # hand-typed figures that differ are flagged where they differ, and only there
    report_services.return_report(cast.office, report, "请核对")
    report.refresh_from_db()
    typed = {code: str(f.total) for code, f in figures.items()} | {"drills": "4", "lecture_participants": "50"}
    report_services.save_draft(
        cast.section_staff, report, valid_data(report.round.form, number=0, **typed), report.version
    )
    client.force_login(cast.section_staff)
    html = client.get(reverse("reports:edit", args=[report.public_id])).content.decode()
    flagged = set(re.findall(r'class="badge text-bg-warning" data-differs data-testid="differs-(\w+)"', html))
    assert flagged == {"drills", "lecture_participants"}
    assert 'data-testid="take-all"' in html
