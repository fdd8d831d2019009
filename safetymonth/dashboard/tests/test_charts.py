"""Each chart's CSV download (the same data block as the chart, the table view's rows, Chinese
headers whatever the UI language, UTF-8 with a BOM, an RFC 5987 filename, audited) and the
dashboard's ticking deadline countdown (the data- attributes static/js/app.js reads)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from safetymonth.audit.models import AuditEntry
from safetymonth.campaigns.models import Round
from safetymonth.dashboard import services
from safetymonth.dashboard.tests.helpers import known_tree
from safetymonth.dashboard.tests.test_views import _chart, _url

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(cast):
    return known_tree(cast)


def _csv_url(rnd, org, chart, query=""):
    return reverse("dashboard:chart_csv", args=[rnd.campaign.public_id, rnd.code, org.public_id, chart]) + query


def _get_csv(client, user, rnd, org, chart, query=""):
    client.force_login(user)
    response = client.get(_csv_url(rnd, org, chart, query))
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # UTF-8 byte-order mark: Excel reads the Chinese
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return rows, response


def test_completeness_csv_is_the_charts_table_with_full_names(client, cast, rnd):
    rows, response = _get_csv(client, cast.office, rnd, cast.commission, "completeness")
    assert rows == [
        ["单位", "按时", "逾期", "未报", "上报率（%）"],
        ["市场运行科", "3", "0", "0", "100.0"],  # its subtree: itself and two enterprises
        ["商贸流通科", "0", "1", "1", "50.0"],
        ["区商务发展服务中心", "0", "0", "1", "0.0"],
    ]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    # the same numbers as the chart drawn on the page
    client.force_login(cast.office)
    block = _chart(client.get(_url(rnd)))["completeness"]
    assert [r[0] for r in rows[1:]] == block["names"]
    assert [int(r[3]) for r in rows[1:]] == block["missing"]


def test_drilled_down_csv_has_the_orgs_own_row(client, cast, rnd):
    rows, _r = _get_csv(client, cast.section_staff, rnd, cast.section, "completeness")
    assert rows[1] == ["本单位", "1", "0", "0", "100.0"]
    assert {r[0] for r in rows[2:]} == {"大渡口示例加油站", "大渡口示例超市"}


def test_participants_csv_matches_the_chart(client, cast, rnd):
    rows, _r = _get_csv(client, cast.leader, rnd, cast.commission, "participants")
    client.force_login(cast.office)
    block = _chart(client.get(_url(rnd)))["participants"]
    assert rows[0] == ["活动项目", "参与人次"]
    assert [r[0] for r in rows[1:]] == block["categories"]
    assert [int(r[1]) for r in rows[1:]] == block["values"]
    assert len(rows) == rnd.form.items.count() + 1


def test_main_csv_has_one_column_per_charted_indicator(client, cast, rnd):
    rows, _r = _get_csv(client, cast.office, rnd, cast.commission, "main")
    client.force_login(cast.office)
    block = _chart(client.get(_url(rnd)))["main"]
    assert rows[0] == ["单位", *(s["name"] for s in block["series"])]
    assert len(rows[0]) > 1
    for i, row in enumerate(rows[1:]):
        assert row[0] == block["names"][i]
        assert [int(v) for v in row[1:]] == [s["values"][i] for s in block["series"]]
    # 市场运行科's subtree: 10 (its own) + 3 + 0 lecture sessions
    section = next(r for r in rows if r[0] == "市场运行科")
    assert int(section[1]) == 13


def test_counting_option_and_bad_input(client, cast, rnd):
    approved, _r = _get_csv(client, cast.office, rnd, cast.commission, "completeness", "?counting=approved")
    assert approved[1] == ["市场运行科", "2", "0", "1", "66.7"]  # the supermarket's is only submitted
    assert approved[2] == ["商贸流通科", "0", "0", "2", "0.0"]  # submitted late, not approved
    fallback, _r = _get_csv(client, cast.office, rnd, cast.commission, "completeness", "?counting=%3Cx%3E")
    assert fallback[2] == ["商贸流通科", "0", "1", "1", "50.0"]  # submitted and approved


def test_headers_and_filename_stay_chinese_for_an_english_reader(client, cast, rnd):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows, response = _get_csv(client, cast.section_staff, rnd, cast.section, "completeness")
    assert rows[0] == ["单位", "按时", "逾期", "未报", "上报率（%）"]
    assert rows[1][0] == "本单位"
    filename = f"市场运行科-{rnd.name}-各单位上报情况.csv"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(filename)}"
    # the page itself is English
    page = client.get(_url(rnd, cast.section)).content.decode()
    assert 'lang="en"' in page


def test_each_download_is_audited(client, cast, rnd):
    before = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count()
    _get_csv(client, cast.leader, rnd, cast.section, "participants", "?counting=approved")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == before + 1
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("-pk").first()
    assert entry.actor == cast.leader and entry.org == cast.section
    assert "各活动项目参与人次" in entry.summary and "市场运行科" in entry.summary
    assert entry.changes["chart"] == "participants" and entry.changes["counting"] == "approved"
    assert entry.changes["format"] == "csv"


def test_unknown_chart_is_404_and_not_audited(client, cast, rnd):
    client.force_login(cast.office)
    before = AuditEntry.objects.count()
    assert client.get(_csv_url(rnd, cast.commission, "nonsense")).status_code == 404
    assert client.get(_csv_url(rnd, cast.commission, "labels")).status_code == 404
    assert AuditEntry.objects.count() == before


def test_chart_table_rejects_unknown_names(cast, rnd):
    labels = services.chart_labels()
    with pytest.raises(KeyError):
        services.chart_block("nonsense", rnd, cast.commission, "submitted", labels)
    with pytest.raises(KeyError):
        services.chart_table("nonsense", {}, labels)


def test_each_chart_offers_its_csv(client, cast, rnd):
    client.force_login(cast.office)
    html = client.get(_url(rnd) + "?counting=approved").content.decode()
    for chart in services.CHARTS:
        assert f'href="{_csv_url(rnd, cast.commission, chart)}?counting=approved"' in html, chart
    client.force_login(cast.section_staff)
    html = client.get(_url(rnd)).content.decode()
    assert _csv_url(rnd, cast.section, "main") in html


# ---------------------------------------------------------------------------------------------
# The countdown


def _countdown(html):
    m = re.search(r'<div class="([^"]*sm-countdown[^"]*)" data-testid="countdown-text"(.*?)>(.*?)</div>', html, re.S)
    assert m
    return m.group(1), dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', m.group(2))), m.group(3)


def test_countdown_carries_its_deadline_and_translated_texts(client, cast, rnd):
    client.force_login(cast.office)
    css, attrs, text = _countdown(client.get(_url(rnd)).content.decode())
    assert "text-danger" not in css
    assert re.fullmatch(r"距截止还有 \d+ 天 \d+ 小时", text)  # the no-JS fallback
    assert dt.datetime.fromisoformat(attrs["data-deadline"]) == rnd.deadline
    assert attrs["data-countdown"] == "hours" and attrs["data-class-overdue"] == "text-danger"
    assert attrs["data-text-left"] == "距截止还有 {d} 天 {h} 小时"
    assert attrs["data-text-overdue"] == "已截止 {d} 天 {h} 小时"

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _css, attrs, text = _countdown(client.get(_url(rnd)).content.decode())
    assert "{d}" in attrs["data-text-left"] and "{h}" in attrs["data-text-left"]
    assert "{d}" in attrs["data-text-overdue"] and "{h}" in attrs["data-text-overdue"]
    assert "截止" not in attrs["data-text-left"] + attrs["data-text-overdue"] + text


def test_countdown_after_the_deadline(client, cast, rnd):
    Round.objects.filter(pk=rnd.pk).update(deadline=timezone.now() - dt.timedelta(days=2, hours=3, minutes=5))
    client.force_login(cast.office)
    css, _attrs, text = _countdown(client.get(_url(rnd)).content.decode())
    assert "text-danger" in css
    assert text == "已截止 2 天 3 小时"
