"""The audit log pages: scoped, filtered, paginated, one entry's details, and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from safetymonth.accounts import services as account_services
from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.audit.views import change_rows

LIST = "/audit/"


@pytest.fixture
def office(client, cast):
    client.force_login(cast.office)
    return client


@contextmanager
def _dated(when: datetime) -> Iterator[None]:
    """Entries written inside the block are dated ``when``. An entry cannot be back-dated once
    written: the database refuses the update and the chain's hash covers the date."""
    with mock.patch.object(AuditEntry._meta.get_field("at"), "_get_default", lambda: when):
        yield


def _rows(response) -> list[AuditEntry]:
    return list(response.context["page"])


def test_list_is_scoped_to_the_subtree(office, cast):
    log_event(cast.other_office, AuditEntry.Action.UPDATE, cast.other_authority, summary="elsewhere")
    log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary="here")
    summaries = {e.summary for e in _rows(office.get(LIST))}
    assert "here" in summaries and "elsewhere" not in summaries


def test_sign_in_attempts_for_unknown_usernames_reach_whole_tree_auditors(client, cast):
    """A failed sign-in for a username that matches no account has no org; the office auditing a
    whole tree sees it (on the list and the home page's count), an office of a subtree does not."""
    from safetymonth.accounts.models import Role
    from tests.factories import make_user

    client.post(reverse("accounts:login"), {"username": "admin' --", "password": "guess"})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN_FAILED, actor_name="admin' --")
    assert entry.org_path == ""
    assert entry in AuditEntry.objects.for_user(cast.office)
    assert entry in AuditEntry.objects.for_user(cast.other_office)  # the installation's, not an org's
    sub_office = make_user("sub-office", cast.section, Role.OFFICE)
    assert entry not in AuditEntry.objects.for_user(sub_office)
    assert entry not in AuditEntry.objects.for_user(cast.section_staff)
    client.force_login(cast.office)
    summaries = {e.summary for e in _rows(client.get(LIST, {"action": "login_failed"}))}
    assert "admin' --" in summaries


def test_list_shows_shanghai_time(office, cast):
    with _dated(datetime(2021, 6, 1, 1, 30, tzinfo=UTC)):
        log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary="tz")
    html = office.get(LIST + "?q=tz").content.decode()
    assert "2021-06-01 09:30:00" in html


def test_filters(office, cast):
    for _i in range(3):
        office.__class__().post("/accounts/login/", {"username": "section", "password": "nope-Nope-1"})
    log_event(cast.office, AuditEntry.Action.UPDATE, cast.enterprise, summary="企业信息修改")
    log_event(cast.office, AuditEntry.Action.UPDATE, cast.other_enterprise, summary="另一家企业")

    failed = _rows(office.get(LIST + "?action=login_failed"))
    assert len(failed) == 3 and {e.actor_name for e in failed} == {"section"}
    assert len(_rows(office.get(LIST + "?actor=SECTION&action=login_failed"))) == 3
    assert {e.summary for e in _rows(office.get(LIST + "?q=企业信息"))} == {"企业信息修改"}
    by_org = _rows(office.get(LIST + f"?org={cast.section.public_id}&action=update"))
    assert {e.summary for e in by_org} == {"企业信息修改"}
    assert _rows(office.get(LIST + f"?q={cast.enterprise.public_id}&action=update"))[0].summary == "企业信息修改"


def test_date_filters(office, cast):
    with _dated(datetime(2021, 5, 31, 16, 30, tzinfo=UTC)):  # 2021-06-01 00:30 in Shanghai
        log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary="old")
    with _dated(datetime(2021, 6, 30, 15, 59, tzinfo=UTC)):  # 2021-06-30 23:59 in Shanghai
        log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary="late")
    with _dated(datetime(2021, 6, 30, 16, 0, tzinfo=UTC)):  # 2021-07-01 00:00 in Shanghai
        log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary="after")
    june = _rows(office.get(LIST + "?date_from=2021-06-01&date_to=2021-06-30&action=update"))
    assert {e.summary for e in june} == {"old", "late"}
    assert {e.summary for e in _rows(office.get(LIST + "?date_from=2021/07/01&action=update"))} >= {"after"}


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("date_from=2021-13-01", "date_from", "年-月-日"),
        ("date_to=yesterday", "date_to", "年-月-日"),
        ("date_from=2021-06-30&date_to=2021-06-01", "date_to", "不能早于开始日期"),
        ("action=steal", "action", ""),
        ("org=nope", "org", ""),
    ],
)
def test_bad_filters_are_reported_at_the_field(office, query, field, message):
    response = office.get(LIST + "?" + query)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert f'data-field-error="{field}"' in response.content.decode()
    # the bad value is kept in the input
    assert response.context["form"][field].value() is not None


def test_other_org_cannot_be_chosen(office, cast):
    response = office.get(LIST + f"?org={cast.other_authority.public_id}")
    assert "org" in response.context["form"].errors


def test_org_choices_are_the_scope_without_enterprises(office, cast):
    choices = office.get(LIST).context["form"].fields["org"].queryset
    assert set(choices) == {cast.commission, cast.office_org, cast.section, cast.other_section, cast.institution}


def test_export_link_carries_the_filters(office):
    html = office.get(LIST + "?action=login_failed&page=1").content.decode()
    assert 'href="/audit/export.csv?action=login_failed"' in html


def test_pagination_keeps_the_filters(office, cast):
    for i in range(60):
        log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary=f"bulk {i}")
    first = office.get(LIST + "?action=update")
    assert len(_rows(first)) == 50
    assert "action=update&amp;page=2" in first.content.decode()
    second = office.get(LIST + "?action=update&page=2")
    assert len(_rows(second)) >= 10


def test_detail_shows_changes_as_a_table(office, cast):
    account_services.update_user(cast.office, cast.section_staff, full_name="张敏", phone="13800138000")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_id=cast.section_staff.public_id)
    response = office.get(reverse("audit:detail", args=[entry.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "姓名" in html and "张敏" in html and "13800138000" in html
    assert 'data-testid="audit-changes"' in html


def test_detail_outside_scope_is_404(office, cast):
    entry = log_event(cast.other_office, AuditEntry.Action.UPDATE, cast.other_authority)
    assert office.get(reverse("audit:detail", args=[entry.public_id])).status_code == 404
    assert office.get(reverse("audit:detail", args=["nosuchentry"])).status_code == 404


def test_change_rows():
    entry = AuditEntry(
        object_type="accounts.user",
        changes={"full_name": ["甲", "乙"], "rows": 3, "filters": {"action": "login"}, "fields": ["a", "b", "c"]},
    )
    rows = {r["key"]: r for r in change_rows(entry)}
    assert rows["full_name"]["label"] == "姓名" and rows["full_name"]["pair"]
    assert rows["rows"] == {"key": "rows", "label": "行数", "value": 3, "pair": False}
    assert rows["filters"]["value"] == "action: login"
    assert rows["fields"]["pair"] is False


def test_no_edit_or_delete_anywhere(cast):
    entry = log_event(cast.office, AuditEntry.Action.UPDATE, cast.section)
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="x")


def test_non_office_roles_are_refused(client, cast):
    for role in ["leader", "section_staff", "enterprise_staff", "tip_handler", "no_role"]:
        client.force_login(cast.users_by_role()[role])
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("audit:export")).status_code == 403


# --- export ------------------------------------------------------------------------------------


def _csv(response) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(response.streaming_content)
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_export_streams_filtered_csv_with_bom_and_is_audited(office, cast):
    log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary="市场运行科资料", changes={"a": [1, 2]})
    log_event(cast.office, AuditEntry.Action.UPDATE, cast.enterprise, summary="=HYPERLINK(1)")
    log_event(cast.other_office, AuditEntry.Action.UPDATE, cast.other_authority, summary="elsewhere")
    response = office.get(reverse("audit:export") + "?action=update")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    raw, rows = _csv(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert rows[0][:3] == ["时间", "操作人", "操作"]
    summaries = [r[8] for r in rows[1:]]
    assert "市场运行科资料" in summaries
    assert "'=HYPERLINK(1)" in summaries  # not run as a formula
    assert "elsewhere" not in summaries
    assert all(r[2] == "修改" for r in rows[1:])

    export = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert export.actor == cast.office
    assert export.changes["filters"] == {"action": "update"}
    assert export.changes["rows"] == len(rows) - 1


def test_export_ignores_bad_filters_without_error(office):
    response = office.get(reverse("audit:export") + "?date_from=garbage")
    assert response.status_code == 200
    _raw, rows = _csv(response)
    assert rows[0][0] == "时间"


def test_export_time_is_shanghai(office, cast):
    with _dated(datetime(2021, 6, 1, 1, 30, tzinfo=UTC)):
        log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary="tz")
    _raw, rows = _csv(office.get(reverse("audit:export") + "?q=tz"))
    assert rows[1][0] == "2021-06-01 09:30:00"


def test_home_link_to_failed_logins_works(office):
    response = office.get(LIST + "?action=login_failed")
    assert response.status_code == 200
    assert response.context["form"].is_valid()


def test_date_range_of_a_day_includes_the_whole_day(office, cast):
    entry = log_event(cast.office, AuditEntry.Action.UPDATE, cast.section, summary="today")
    today = timezone.localdate()
    rows = _rows(office.get(LIST + f"?date_from={today}&date_to={today}&q=today"))
    assert [e.pk for e in rows] == [entry.pk]
    tomorrow = today + timedelta(days=1)
    assert _rows(office.get(LIST + f"?date_from={tomorrow}&q=today")) == []
