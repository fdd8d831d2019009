"""Ledger list (filters, a fixed query count), the hazard page, the 台账 export, the statistical
analysis table against hand-counted fixtures, and the public exposure pages."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from safetymonth.audit.models import AuditEntry
from safetymonth.hazards import queries, services
from safetymonth.hazards.models import ExposureCase, ExposureStatus, Hazard, HazardLevel, HazardStatus
from safetymonth.hazards.services_exports import LEDGER_COLUMNS
from safetymonth.hazards.tests.helpers import category, make_case, make_hazard, make_photo


def _bulk(cast, n, org=None, **fields):
    org = org or cast.enterprise
    today = timezone.localdate()
    Hazard.objects.bulk_create(
        [
            Hazard(
                org=org,
                found_on=today - dt.timedelta(days=i % 30),
                place=f"位置{i}",
                description=f"隐患{i}",
                category=category(),
                deadline=today + dt.timedelta(days=(i % 7) - 3),
                **fields,
            )
            for i in range(n)
        ]
    )


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_hazards(client, cast):
    client.force_login(cast.office)
    url = reverse("hazards:list") + "?org=" + cast.section.name + "&status=registered"
    _bulk(cast, 5)
    few = _list_queries(client, url)
    _bulk(cast, 200)
    _bulk(cast, 50, org=cast.enterprise2)
    many = _list_queries(client, url)
    assert many == few
    assert _list_queries(client, url + "&page=3") == few


def test_list_filters(client, cast):
    today = timezone.localdate()
    late = make_hazard(cast, deadline=today - dt.timedelta(days=2), description="逾期的隐患")
    make_hazard(cast, org=cast.enterprise2, level=HazardLevel.MAJOR, description="重大的隐患")
    make_hazard(cast, org=cast.other_enterprise, description="别处的隐患")
    client.force_login(cast.section_staff)
    html = client.get(reverse("hazards:list")).content.decode()
    assert "逾期的隐患" in html and "重大的隐患" in html and "别处的隐患" not in html
    html = client.get(reverse("hazards:list") + "?overdue=on").content.decode()
    assert "逾期的隐患" in html and "重大的隐患" not in html and 'data-testid="hazard-overdue"' in html
    html = client.get(reverse("hazards:list") + "?level=major").content.decode()
    assert "重大的隐患" in html and "逾期的隐患" not in html
    html = client.get(reverse("hazards:list") + "?org=示例超市").content.decode()
    assert "重大的隐患" in html and "逾期的隐患" not in html
    # an org of another branch typed into the search finds nothing
    html = client.get(reverse("hazards:list") + f"?org={cast.other_enterprise.name}").content.decode()
    assert 'data-testid="no-hazards"' in html
    response = client.get(reverse("hazards:list") + "?found_from=2021-06-10&found_to=2021-06-01")
    assert 'data-field-error="found_to"' in response.content.decode()
    assert late.public_id


def test_detail_shows_before_and_after_photos_and_timeline(client, cast):
    hazard = make_hazard(cast)
    make_photo(cast, hazard, "before")
    make_photo(cast, hazard, "after")
    client.force_login(cast.section_staff)
    html = client.get(reverse("hazards:detail", args=[hazard.public_id])).content.decode()
    assert 'data-testid="photos-before"' in html and 'data-testid="photos-after"' in html


def test_ledger_export_columns_rows_and_audit(client, cast):
    closed = make_hazard(cast, status=HazardStatus.CLOSED, funds=Decimal("1200.50"), description="已销号的")
    make_hazard(cast, org=cast.enterprise2)
    make_hazard(cast, org=cast.other_enterprise)
    client.force_login(cast.section_staff)
    response = client.get(reverse("hazards:export"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[1]) == LEDGER_COLUMNS
    body = rows[2:]
    assert len(body) == 2 and [r[0] for r in body] == [1, 2]
    row = next(r for r in body if r[2] == "已销号的")
    assert row[11] == 1200.5 and row[15] == "已销号" and row[13] == closed.verified_by.full_name
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, summary__contains="隐患台账").exists()


@pytest.fixture
def quarter_fixture(cast):
    """Q2 2021, by hand: enterprise — 3 found (1 major), 2 closed in the quarter (1200 + 800 元), 1
    open and overdue; enterprise2 — 1 found, open, not overdue; a Q1 hazard of enterprise still open
    at the end of Q2 and overdue; one found in Q3 (not counted); other_enterprise outside."""
    d = dt.date
    common = {"verified_by": cast.section_staff, "closed_at": timezone.now()}
    make_hazard(
        cast,
        found_on=d(2021, 4, 2),
        deadline=d(2021, 4, 30),
        status=HazardStatus.CLOSED,
        verified_on=d(2021, 4, 28),
        funds=Decimal(1200),
        **common,
    )
    make_hazard(
        cast,
        found_on=d(2021, 5, 10),
        deadline=d(2021, 6, 1),
        level=HazardLevel.MAJOR,
        status=HazardStatus.CLOSED,
        verified_on=d(2021, 6, 20),
        funds=Decimal(800),
        **common,
    )
    make_hazard(cast, found_on=d(2021, 6, 5), deadline=d(2021, 6, 15))
    make_hazard(cast, org=cast.enterprise2, found_on=d(2021, 6, 25), deadline=d(2021, 7, 31))
    make_hazard(cast, found_on=d(2021, 2, 1), deadline=d(2021, 3, 1))
    make_hazard(cast, found_on=d(2021, 7, 2), deadline=d(2021, 7, 5))
    make_hazard(cast, org=cast.other_enterprise, found_on=d(2021, 5, 1), deadline=d(2021, 5, 5))


def test_quarterly_table_against_hand_counts(cast, quarter_fixture):
    start, end = queries.period_bounds(2021, 2)
    assert (start, end) == (dt.date(2021, 4, 1), dt.date(2021, 6, 30))
    rows, total = queries.statistics(cast.section, start, end)
    by_name = {r.label: r for r in rows}
    e1, e2 = by_name[cast.enterprise.name], by_name[cast.enterprise2.name]
    assert (e1.found, e1.major, e1.rectified, e1.major_rectified, e1.open, e1.overdue) == (3, 1, 2, 1, 2, 2)
    assert e1.funds == Decimal(2000) and e1.rate == 66.7
    assert (e2.found, e2.rectified, e2.open, e2.overdue) == (1, 0, 1, 0)
    assert (total.found, total.rectified, total.open, total.overdue) == (4, 2, 3, 2)
    # rolled up over the commission: the section is one row holding both enterprises
    rows, total = queries.statistics(cast.commission, start, end)
    assert [(r.label, r.found) for r in rows] == [(cast.section.name, 4), (cast.other_section.name, 1)]
    assert total.found == 5
    # the year
    rows, total = queries.statistics(cast.section, *queries.period_bounds(2021, None))
    assert total.found == 6


def test_statistics_page_and_export(client, cast, quarter_fixture):
    client.force_login(cast.office)
    response = client.get(reverse("hazards:statistics") + f"?org={cast.section.public_id}&year=2021&quarter=2")
    assert response.status_code == 200
    assert 'data-testid="stat-total"' in response.content.decode()
    response = client.get(reverse("hazards:statistics_export") + f"?org={cast.section.public_id}&year=2021&quarter=2")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[-1][0] == "合计" and rows[-1][1] == 4
    response = client.get(reverse("hazards:statistics") + "?year=abc")
    assert 'data-field-error="year"' in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Exposure


def test_public_pages_show_only_published_cases(client, cast):
    published = make_case(cast, title="已发布的案例")
    draft = make_case(cast, published=False, title="草稿案例")
    withdrawn = make_case(cast, title="撤回的案例")
    services.withdraw_case(cast.office, withdrawn)
    html = client.get(reverse("exposure:list")).content.decode()
    assert "已发布的案例" in html and "草稿案例" not in html and "撤回的案例" not in html
    assert client.get(reverse("exposure:detail", args=[published.public_id])).status_code == 200
    assert client.get(reverse("exposure:detail", args=[draft.public_id])).status_code == 404
    assert client.get(reverse("exposure:detail", args=[withdrawn.public_id])).status_code == 404
    assert client.get(reverse("exposure:detail", args=["guessed-id-123"])).status_code == 404


def test_public_photos_only_stripped_copies_of_chosen_photos(client, cast):
    case = make_case(cast)
    chosen = make_photo(cast, case.hazard, "before", 1)
    other = make_photo(cast, case.hazard, "after", 2)
    case.photos.add(chosen)
    url = reverse("exposure:photo", args=[case.public_id, chosen.public_id])
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.endswith(b"s")  # the stripped copy, never the original
    assert client.get(reverse("exposure:photo", args=[case.public_id, other.public_id])).status_code == 404
    services.withdraw_case(cast.office, case)
    assert client.get(url).status_code == 404


def test_unstripped_photos_cannot_be_chosen(cast):
    case = make_case(cast, published=False)
    raw = make_photo(cast, case.hazard, stripped=False)
    with pytest.raises(services.ValidationError):
        services.update_case(cast.office, case, case.version, title="t", public_text="x", photos=[raw])


def test_phone_or_id_number_blocks_publishing_and_names_are_warned(client, cast):
    case = make_case(cast, published=False, public_text="店长张伟，电话13800138000，未整改。")
    with pytest.raises(services.ValidationError):
        services.publish_case(cast.office, case)
    case.refresh_from_db()
    assert case.status == ExposureStatus.DRAFT
    client.force_login(cast.office)
    html = client.get(reverse("hazards:case_edit", args=[case.public_id])).content.decode()
    assert 'data-testid="case-warnings"' in html and "13800138000" in html and "张伟" in html
    response = client.post(reverse("hazards:case_publish", args=[case.public_id]), follow=True)
    assert "电话号码或身份证号" in response.content.decode()
    assert client.get(reverse("exposure:detail", args=[case.public_id])).status_code == 404


def test_office_creates_edits_publishes_and_withdraws(client, cast):
    hazard = make_hazard(cast, status=HazardStatus.CLOSED)
    photo = make_photo(cast, hazard, "after")
    client.force_login(cast.office)
    response = client.post(reverse("hazards:case_create", args=[hazard.public_id]))
    case = hazard.exposures.get()
    assert response.url == reverse("hazards:case_edit", args=[case.public_id])
    response = client.post(
        reverse("hazards:case_edit", args=[case.public_id]),
        {
            "version": case.version,
            "title": "某餐馆燃气软管老化",
            "public_text": "已整改完毕。",
            "photos": [photo.public_id],
        },
    )
    assert response.status_code == 302
    client.post(reverse("hazards:case_publish", args=[case.public_id]))
    case.refresh_from_db()
    assert case.status == ExposureStatus.PUBLISHED and list(case.photos.all()) == [photo]
    html = client.get(reverse("exposure:detail", args=[case.public_id])).content.decode()
    assert "已整改完毕。" in html and "已整改" in html
    client.post(reverse("hazards:case_withdraw", args=[case.public_id]))
    assert client.get(reverse("exposure:detail", args=[case.public_id])).status_code == 404
    assert AuditEntry.objects.filter(object_id=case.public_id).count() == 4


def test_dashboard_tiles_count_hazards_found_in_the_campaign(client, cast):
    from safetymonth.reports.tests.helpers import round_2021

    rnd = round_2021(cast)
    d = dt.date
    make_hazard(cast, found_on=d(2021, 6, 5), deadline=d(2021, 6, 10))  # overdue
    make_hazard(cast, found_on=d(2021, 6, 6), status=HazardStatus.CLOSED)
    make_hazard(cast, org=cast.enterprise2, found_on=d(2021, 6, 7), level=HazardLevel.MAJOR)
    make_hazard(cast, found_on=d(2020, 6, 7))  # before the campaign
    client.force_login(cast.office)
    html = client.get(reverse("dashboard:campaign", args=[rnd.campaign.public_id, rnd.code])).content.decode()
    assert 'data-testid="hazard-tiles"' in html

    def tile(name):
        return re.search(rf'data-testid="tile-hazards-{name}">(?:<a[^>]*>)?([^<]+)', html).group(1)

    assert (tile("found"), tile("rectified"), tile("rate"), tile("overdue"), tile("major-open")) == (
        "3",
        "1",
        "33.3%",
        "1",
        "1",
    )


def test_office_writes_a_case_without_a_hazard(client, cast):
    client.force_login(cast.office)
    response = client.post(reverse("hazards:case_new"), {"org": "不存在的单位", "title": "t", "public_text": "x"})
    assert 'data-field-error="org"' in response.content.decode() and "不存在的单位" in response.content.decode()
    response = client.post(
        reverse("hazards:case_new"), {"org": cast.enterprise.name, "title": "违规储存成品油", "public_text": "已查处。"}
    )
    case = ExposureCase.objects.get(title="违规储存成品油")
    assert response.url == reverse("hazards:case_edit", args=[case.public_id])
    assert case.hazard is None and case.org == cast.enterprise and case.status == ExposureStatus.DRAFT
    services.publish_case(cast.office, case)
    assert client.get(reverse("exposure:detail", args=[case.public_id])).status_code == 200
