"""Report pages per role: entry (save, autosave, submit, conflict), crafted POSTs, review, history,
roll-up, non-filers with 催报, notifications and the home card."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safetymonth.reports import services
from safetymonth.reports.models import Notification, Report, ReportStatus
from safetymonth.reports.tests.helpers import in_status, report_of, valid_data

pytestmark = pytest.mark.django_db


def _edit(report):
    return reverse("reports:edit", args=[report.public_id])


def test_entry_page_shows_the_form_and_header(client, cast, rnd):
    report = report_of(cast, cast.section)
    client.force_login(cast.section_staff)
    html = client.get(_edit(report)).content.decode()
    assert 'name="ind-lecture_sessions"' in html
    assert "市场运行科" in html and 'name="contact_phone"' in html and 'name="filled_on"' in html
    assert 'name="version" value="1"' in html
    assert "js/reports.js" in html


def test_save_with_errors_keeps_what_was_typed_and_shows_the_message(client, cast, rnd):
    report = report_of(cast, cast.section)
    client.force_login(cast.section_staff)
    data = {"version": "1", "action": "save", "ind-lecture_sessions": "五", "contact_phone": "12345"}
    response = client.post(_edit(report), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="五"' in html and "请输入整数。" in html
    assert 'value="12345"' in html and "请填写手机号码" in html
    assert services.stored_raw(report)["lecture_sessions"] == "五"


def test_nonsense_in_every_field_never_gives_a_500(client, cast, rnd):
    report = report_of(cast, cast.section)
    client.force_login(cast.section_staff)
    data = {f"ind-{i.code}": "<script>x</script>'\"" for i in rnd.form.indicators.all()}
    data.update(version="abc", action="submit", contact_name="x" * 500, contact_phone="??", filled_on="2021-13-45")
    response = client.post(_edit(report), data)
    assert response.status_code == 409  # version "abc": refused as a conflict, nothing written
    data["version"] = "1"
    response = client.post(_edit(report), data)
    assert response.status_code == 200
    assert "<script>x</script>" not in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_submit_then_detail(client, cast, rnd):
    report = report_of(cast, cast.section)
    client.force_login(cast.section_staff)
    response = client.post(_edit(report), {**valid_data(rnd.form), "version": "1", "action": "submit"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.public_id])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_autosave_returns_the_status_and_new_version(client, cast, rnd):
    report = report_of(cast, cast.section)
    client.force_login(cast.section_staff)
    response = client.post(_edit(report), {"version": "1", "ind-lecture_sessions": "4"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-saved="1"' in html and 'name="version" value="2"' in html and 'hx-swap-oob="true"' in html
    assert services.stored_raw(report)["lecture_sessions"] == "4"
    stale = client.post(_edit(report), {"version": "1", "ind-lecture_sessions": "9"}, HTTP_HX_REQUEST="true")
    assert 'data-conflict="1"' in stale.content.decode()
    assert services.stored_raw(report)["lecture_sessions"] == "4"


def test_conflict_shows_both_versions_and_overwrites_nothing(client, cast, rnd):
    report = report_of(cast, cast.section)
    services.save_draft(cast.section_staff, report, {"ind-lecture_sessions": "3"}, 1)
    client.force_login(cast.section_staff)
    response = client.post(_edit(report), {"version": "1", "action": "save", "ind-lecture_sessions": "77"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="conflict"' in html and 'data-testid="theirs"' in html
    assert 'value="77"' in html  # mine, as typed
    assert ">3<" in html  # theirs, as saved (readonly renderer)
    assert 'name="version" value="2"' in html  # saving again is an explicit choice
    assert services.stored_raw(report)["lecture_sessions"] == "3"


def test_crafted_post_cannot_edit_an_approved_report(client, cast, rnd):
    report = in_status(cast, cast.section, ReportStatus.APPROVED)
    client.force_login(cast.section_staff)
    for action in ("save", "submit"):
        data = {**valid_data(rnd.form, number=99), "version": str(report.version), "action": action}
        response = client.post(_edit(report), data)
        assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert services.stored_raw(report)["lecture_sessions"] == "10"


def test_office_cannot_fill_and_section_cannot_approve_by_crafted_post(client, cast, rnd):
    report = in_status(cast, cast.section, ReportStatus.SUBMITTED)
    client.force_login(cast.office)
    assert client.post(_edit(report), {"version": "3", "ind-lecture_sessions": "1"}).status_code == 403
    client.force_login(cast.section_staff)
    url = reverse("reports:review", args=[report.public_id])
    assert client.post(url, {"action": "approve"}).status_code == 403
    client.force_login(cast.enterprise_staff)
    assert client.post(url, {"action": "approve"}).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_return_without_reason_shows_the_error_at_the_field(client, cast, rnd):
    report = in_status(cast, cast.section, ReportStatus.SUBMITTED)
    client.force_login(cast.office)
    url = reverse("reports:review", args=[report.public_id])
    response = client.post(url, {"action": "return", "reason": ""})
    assert response.status_code == 400 and "请填写退回原因。" in response.content.decode()
    response = client.post(url, {"action": "return", "reason": "请补充典型案例"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    client.force_login(cast.section_staff)
    assert "请补充典型案例" in client.get(_edit(report)).content.decode()


def test_detail_shows_review_actions_to_the_office_only(client, cast, rnd):
    report = in_status(cast, cast.section, ReportStatus.SUBMITTED)
    url = reverse("reports:detail", args=[report.public_id])
    client.force_login(cast.office)
    assert 'data-testid="approve"' in client.get(url).content.decode()
    for user in (cast.leader, cast.section_staff):
        client.force_login(user)
        assert 'data-testid="approve"' not in client.get(url).content.decode()


def test_history_shows_the_difference_between_versions(client, cast, rnd):
    report = report_of(cast, cast.section)
    services.save_draft(cast.section_staff, report, {"ind-lecture_sessions": "3"}, 1)
    services.save_draft(cast.section_staff, report, {"ind-lecture_sessions": "8"}, 2)
    client.force_login(cast.office)
    html = client.get(reverse("reports:history", args=[report.public_id])).content.decode()
    assert html.count('data-testid="history-event"') == 2
    assert "基层宣讲场次" in html and ">3<" in html and ">8<" in html


def test_rollup_page_shows_values_and_counting_choice(client, cast, rnd):
    in_status(cast, cast.section, ReportStatus.APPROVED, number=10)
    in_status(cast, cast.other_section, ReportStatus.SUBMITTED, number=7)
    client.force_login(cast.leader)
    url = reverse("reports:rollup", args=[rnd.campaign.public_id, rnd.code, cast.commission.public_id])
    html = client.get(url).content.decode()
    assert "只计入已审核的报表" in html
    assert 'data-testid="total">10<' in html
    html = client.get(url + "?counting=submitted").content.decode()
    assert 'data-testid="total">17<' in html
    assert client.get(url + "?counting=bogus").status_code == 200


def test_nonfilers_and_one_click_chase(client, cast, rnd):
    in_status(cast, cast.section, ReportStatus.SUBMITTED)
    client.force_login(cast.office)
    url = reverse("reports:nonfilers", args=[rnd.campaign.public_id, rnd.code])
    html = client.get(url).content.decode()
    assert 'data-org="商贸流通科"' in html and 'data-org="市场运行科"' not in html
    other = report_of(cast, cast.other_section)
    response = client.post(reverse("reports:chase", args=[other.public_id]))
    assert response.status_code == 302 and response["Location"] == url
    assert Notification.objects.filter(user=cast.other_section_staff).exists()


def test_notifications_are_marked_read(client, cast, rnd):
    services.notify([cast.section_staff], "测试通知", "/")
    client.force_login(cast.section_staff)
    html = client.get(reverse("reports:notifications")).content.decode()
    assert "测试通知" in html and "新" in html
    assert not Notification.objects.filter(user=cast.section_staff, read_at__isnull=True).exists()


def test_home_card_lists_what_to_fill_and_review(client, cast, rnd):
    client.force_login(cast.section_staff)
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="home-reports"' in html and 'data-testid="home-fill"' in html
    in_status(cast, cast.section, ReportStatus.SUBMITTED)
    client.force_login(cast.office)
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="home-review"' in html
    client.force_login(cast.tip_handler)
    assert 'data-testid="home-reports"' not in client.get(reverse("core:home")).content.decode()


def test_list_filters_by_status(client, cast, rnd):
    in_status(cast, cast.section, ReportStatus.SUBMITTED)
    client.force_login(cast.office)
    url = reverse("reports:list")
    assert client.get(url).content.decode().count('data-testid="report-row"') == 2  # the two 安全生产责任科室
    html = client.get(url, {"status": "submitted", "round": f"{rnd.campaign.public_id}:{rnd.code}"}).content.decode()
    assert html.count('data-testid="report-row"') == 1
    assert client.get(url, {"status": "nonsense"}).status_code == 200
    assert Report.objects.count() == 2
