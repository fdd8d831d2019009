"""The recorded figures on the report pages: beside each mapped blank, the take button (entry),
the discrepancy flag (entry and view), the evidence count with its gallery link, and a query count
that does not grow with events or materials."""

from __future__ import annotations

import re

from django.urls import reverse

from safetymonth.events.tests.helpers import make_event, make_material
from safetymonth.reports.models import Value
from safetymonth.reports.tests.helpers import report_of


def _block(html: str, code: str) -> str:
    m = re.search(rf'<span class="sm-recorded[^>]*data-testid="recorded-{code}">(.*?)\n</span>', html, re.S)
    assert m, code
    return m.group(1)


def _entry(client, cast):
    client.force_login(cast.section_staff)
    report = report_of(cast, cast.section)
    response = client.get(reverse("reports:edit", args=[report.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_entry_shows_figures_ready_to_take(client, cast):
    event = make_event(cast, cast.enterprise, "drill", participants=35)
    make_material(cast, cast.enterprise, event=event, n=1)
    make_material(cast, cast.enterprise, event=event, n=2)
    html = _entry(client, cast)
    drills = _block(html, "drills")
    assert '<strong data-testid="recorded-total">1</strong> 场' in drills
    # each figure names its blank: an item with four recorded figures must not read as a bare list
    assert "活动记录（开展灾害避险逃生、自救互救演练场次）：" in drills
    assert "（本单位 0，下属单位 1）" in drills
    assert 'data-take="1" data-target="id_ind-drills"' in drills
    assert "佐证材料 2 份" in drills and "indicator=drills" in drills
    people = _block(html, "drill_participants")
    assert 'data-take="35"' in people
    # nothing entered yet: no flag
    assert 'class="badge text-bg-warning d-none" data-differs' in people
    assert "js/events.js" in html


def test_discrepancy_is_flagged_on_entry_and_view(client, cast):
    make_event(cast, cast.enterprise, "drill", participants=35)
    report = report_of(cast, cast.section)
    drills = report.round.form.indicators.get(code="drills")
    people = report.round.form.indicators.get(code="drill_participants")
    Value.objects.create(report=report, indicator=drills, raw="1", int_value=1)
    Value.objects.create(report=report, indicator=people, raw="40", int_value=40)
    html = _entry(client, cast)
    assert 'class="badge text-bg-warning d-none" data-differs' in _block(html, "drills")
    assert 'class="badge text-bg-warning" data-differs' in _block(html, "drill_participants")
    # the reviewer (the office) sees both numbers on the view page
    client.force_login(cast.office)
    html = client.get(reverse("reports:detail", args=[report.public_id])).content.decode()
    block = _block(html, "drill_participants")
    assert "填报 40，与活动记录不一致" in block and "<strong" in block and ">35<" in block
    assert "data-take" not in block


def test_report_page_queries_do_not_grow(client, cast, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = report_of(cast, cast.section)
    client.force_login(cast.section_staff)
    url = reverse("reports:edit", args=[report.public_id])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for code in ("drill", "lecture", "consultation", "theory_study"):
        for org in (cast.section, cast.enterprise, cast.enterprise2):
            e = make_event(cast, org, code)
            make_material(cast, org, event=e, n=e.pk)
    assert count() == before
