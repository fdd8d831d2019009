"""Event pages: record, quick entry, validation kept at the field, edit with the version check,
delete keeping materials, list filters, calendar and the 6·16 day; every write audited."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from safetymonth.audit.models import AuditEntry
from safetymonth.campaigns.models import EventType
from safetymonth.events.models import Event
from safetymonth.events.tests.helpers import make_event, make_material
from safetymonth.evidence.models import Material
from safetymonth.reports.tests.helpers import published_2021


def _type(cast, code="drill"):
    return EventType.objects.get(campaign=published_2021(cast), code=code)


def _data(cast, **over):
    data = {
        "event_type": str(_type(cast).pk),
        "title": "消防疏散演练",
        "starts_at": "2021-06-10T09:00",
        "participants": "35",
        "place": "一楼大厅",
        "description": "",
        "media_links": "",
    }
    data.update(over)
    return data


def test_enterprise_records_its_own_event(client, cast):
    campaign = published_2021(cast)
    client.force_login(cast.enterprise_staff)
    url = reverse("events:create") + f"?campaign={campaign.public_id}"
    response = client.post(url, _data(cast, media_links="https://example.com/a\n\nhttp://example.com/b"))
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/events/{event.public_id}/#evidence")
    assert event.org == cast.enterprise and event.participants == 35 and event.created_by == cast.enterprise_staff
    assert event.media_link_list == ["https://example.com/a", "http://example.com/b"]
    assert timezone.localtime(event.starts_at).hour == 9
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=event.public_id).exists()
    page = client.get(reverse("events:detail", args=[event.public_id])).content.decode()
    assert "消防疏散演练" in page and "https://example.com/a" in page


def test_event_outside_the_campaign_dates_is_saved_and_flagged(client, cast):
    """2021's dates run 6月1日–12月31日 (安全生产月 and 渝州行): a date outside them is kept — it may
    be preparation in May, or a typo'd year — with a warning on saving and a badge in list and page."""
    campaign = published_2021(cast)
    assert campaign.span() == (dt.date(2021, 6, 1), dt.date(2021, 12, 31))
    client.force_login(cast.enterprise_staff)
    url = reverse("events:create") + f"?campaign={campaign.public_id}"
    response = client.post(url, _data(cast, title="年份写错的演练", starts_at="2012-06-10T09:00"), follow=True)
    assert "活动时间2012-06-10不在本次活动期间（2021-06-01至2021-12-31）内，请核对日期。" in response.content.decode()
    assert 'data-testid="outside-span"' in response.content.decode()  # the event's page
    client.post(url, _data(cast, title="六月的演练"))
    html = client.get(reverse("events:list"), {"campaign": campaign.public_id}).content.decode()
    assert html.count('data-testid="outside-span"') == 1
    june = Event.objects.get(title="六月的演练")
    assert not june.outside_campaign_span
    # Shanghai dates: 2021-05-31 23:30 UTC is 6月1日 07:30 in Chongqing
    june.starts_at = dt.datetime(2021, 5, 31, 23, 30, tzinfo=dt.UTC)
    assert not june.outside_campaign_span
    # an edit that moves it out warns too
    edit = reverse("events:edit", args=[june.public_id])
    data = _data(cast, title="六月的演练", starts_at="2022-01-01T09:00", version=str(june.version))
    assert "不在本次活动期间" in client.post(edit, data, follow=True).content.decode()


def test_a_campaign_without_periods_flags_nothing(cast):
    from safetymonth.campaigns.models import Campaign

    campaign = published_2021(cast)
    campaign.periods.all().delete()
    fresh = Campaign.objects.get(pk=campaign.pk)
    assert fresh.span() is None and not fresh.is_outside_span(dt.date(1999, 1, 1))


def test_bad_input_is_kept_with_chinese_messages(client, cast):
    campaign = published_2021(cast)
    client.force_login(cast.enterprise_staff)
    url = reverse("events:create") + f"?campaign={campaign.public_id}"
    response = client.post(
        url,
        _data(
            cast,
            participants="-3",
            media_links="https://ok.example\njavascript:alert(1)",
            ends_at="2021-06-09T09:00",
            title="保留我",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "参与人次不能为负数。" in html
    assert "第2行“javascript:alert(1)”不是有效的链接" in html
    assert "结束时间不能早于开始时间。" in html
    assert 'value="保留我"' in html
    assert not Event.objects.exists()


def test_type_of_another_campaign_is_refused(client, cast):
    campaign = published_2021(cast)
    client.force_login(cast.enterprise_staff)
    url = reverse("events:create") + f"?campaign={campaign.public_id}"
    response = client.post(url, _data(cast, event_type="999999"))
    assert response.status_code == 400 and "请选择列表中的活动类型。" in response.content.decode()


def test_quick_entry_defaults_to_now_and_goes_to_the_upload(client, cast):
    campaign = published_2021(cast)
    client.force_login(cast.enterprise_staff)
    url = reverse("events:quick") + f"?campaign={campaign.public_id}"
    page = client.get(url).content.decode()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:")
    assert now in page and "ends_at" not in page
    response = client.post(
        url,
        {k: v for k, v in _data(cast).items() if k in ("event_type", "title", "starts_at", "participants", "place")},
    )
    assert response.status_code == 302 and response["Location"].endswith("#evidence")


def test_edit_checks_the_version(client, cast):
    event = make_event(cast, cast.enterprise, "drill", participants=35)
    client.force_login(cast.enterprise_staff)
    url = reverse("events:edit", args=[event.public_id])
    assert client.post(url, _data(cast, version="1", participants="40")).status_code == 302
    event.refresh_from_db()
    assert event.participants == 40 and event.version == 2
    stale = client.post(url, _data(cast, version="1", participants="50"))
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    event.refresh_from_db()
    assert event.participants == 40
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_id=event.public_id)
    assert entry.changes["participants"] == [35, 40]


def test_section_sees_but_may_not_edit_its_enterprises_event(client, cast):
    event = make_event(cast, cast.enterprise)
    client.force_login(cast.section_staff)
    assert client.get(reverse("events:detail", args=[event.public_id])).status_code == 200
    assert client.get(reverse("events:edit", args=[event.public_id])).status_code == 403


def test_delete_keeps_the_materials(client, cast):
    event = make_event(cast, cast.enterprise)
    material = make_material(cast, cast.enterprise, event=event)
    client.force_login(cast.enterprise_staff)
    response = client.post(reverse("events:delete", args=[event.public_id]), follow=True)
    assert "1份佐证材料仍保留" in response.content.decode()
    assert not Event.objects.exists()
    material.refresh_from_db()
    assert material.event is None and Material.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, object_id=event.public_id).exists()


def test_list_filters(client, cast):
    campaign = published_2021(cast)
    a = make_event(cast, cast.enterprise, "drill", title="演练甲", participants=35)
    make_material(cast, cast.enterprise, event=a)
    make_event(
        cast, cast.enterprise2, "lecture", title="讲座乙", starts_at=timezone.make_aware(dt.datetime(2021, 6, 20, 9))
    )
    make_event(cast, cast.other_enterprise, "drill", title="别科丙")
    client.force_login(cast.section_staff)
    url = reverse("events:list")

    def titles(**query):
        html = client.get(url, {"campaign": campaign.public_id, **query}).content.decode()
        return {t for t in ("演练甲", "讲座乙", "别科丙") if t in html}

    assert titles() == {"演练甲", "讲座乙"}
    assert titles(event_type="drill") == {"演练甲"}
    assert titles(org=cast.enterprise2.public_id) == {"讲座乙"}
    assert titles(date_from="2021-06-15") == {"讲座乙"}
    assert titles(date_to="2021-06-15") == {"演练甲"}
    assert titles(evidence="with") == {"演练甲"}
    assert titles(evidence="without") == {"讲座乙"}
    html = client.get(
        url, {"campaign": campaign.public_id, "date_from": "2021-06-20", "date_to": "2021-06-01"}
    ).content.decode()
    assert "结束日期不能早于开始日期。" in html


def test_list_filter_folds_on_a_phone_unless_in_use(client, cast):
    """The filter card is collapsed below md (a toggle opens it) unless a filter is set or wrong."""
    campaign = published_2021(cast)
    client.force_login(cast.section_staff)
    url = reverse("events:list")

    def shown(**query):
        html = client.get(url, {"campaign": campaign.public_id, **query}).content.decode()
        assert 'data-testid="filter-toggle"' in html
        tag = html[html.index('id="event-filter"') - 120 : html.index('id="event-filter"')]
        return " show" in tag

    assert not shown()
    assert shown(event_type="drill")
    assert shown(date_from="2021-06-20", date_to="2021-06-01")  # an error is never folded away


def test_calendar_and_consultation_day(client, cast):
    campaign = published_2021(cast)
    on_day = timezone.make_aware(dt.datetime(2021, 6, 16, 9, 30))
    make_event(cast, cast.enterprise, "consultation", title="咨询台甲", participants=120, starts_at=on_day)
    make_event(cast, cast.section, "online_activity", title="线上答题乙", participants=80, starts_at=on_day)
    make_event(cast, cast.enterprise, "consultation", title="前一天", starts_at=on_day - dt.timedelta(days=1))
    client.force_login(cast.section_staff)
    html = client.get(reverse("events:calendar"), {"campaign": campaign.public_id, "month": "2021-06"}).content.decode()
    assert "2021年6月 · 3 场" in html and 'data-date="2021-06-16"' in html and "咨询台甲" in html
    html = client.get(reverse("events:consultation_day", args=[campaign.public_id])).content.decode()
    assert "咨询台甲" in html and "线上答题乙" in html and "前一天" not in html
    assert 'data-testid="day-participants">200<' in html
    # a bad month falls back to June of the campaign's year
    assert client.get(reverse("events:calendar"), {"campaign": campaign.public_id, "month": "x"}).status_code == 200
