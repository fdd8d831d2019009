"""Report workflow services: ensure, save, submit, return, approve, reopen, and the forbidden moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from safetymonth.accounts.models import Role
from safetymonth.audit.models import AuditEntry
from safetymonth.campaigns.models import Round
from safetymonth.campaigns.services import indicator_has_values
from safetymonth.reports import services
from safetymonth.reports.models import Notification, Report, ReportAction, ReportStatus, Value
from safetymonth.reports.tests.helpers import in_status, report_of, valid_data
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def test_publishing_creates_one_report_per_expected_org(cast, rnd):
    orgs = set(Report.objects.filter(round=rnd).values_list("org__name", flat=True))
    # 2021 expects the 安全生产责任科室: not the campaign office 规划秩序科, not the institution, not enterprises
    assert orgs == {"市场运行科", "商贸流通科"}
    assert services.create_expected_reports(rnd) == 0  # idempotent


def test_creating_an_org_creates_its_reports_and_skips_inactive(cast, rnd):
    new = make_org("新设科室", "section", cast.commission, safety_responsible=True)
    closed = make_org("撤销科室", "section", cast.commission, is_active=False, safety_responsible=True)
    # created with the org (orgs.signals.tree_changed), not later by a page view
    assert Report.objects.filter(round=rnd, org=new).exists()
    assert not Report.objects.filter(round=rnd, org=closed).exists()
    assert services.create_expected_reports(rnd) == 0


def test_create_expected_reports_fills_the_gaps_set_based(cast, rnd):
    new = make_org("新设科室", "section", cast.commission, safety_responsible=True)
    Report.objects.filter(round=rnd, org__in=[new, cast.section]).delete()
    assert services.create_expected_reports(rnd) == 2
    made = Report.objects.get(round=rnd, org=new)
    assert made.status == ReportStatus.DRAFT and made.version == 1 and made.comments == {}
    assert len(made.public_id) == 12 and set(made.public_id) <= set("23456789abcdefghjkmnpqrstuvwxyz")
    assert made.created_at is not None and made.updated_at is not None
    assert len(set(Report.objects.filter(round=rnd).values_list("public_id", flat=True))) == 3
    audit = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, summary__contains="生成填报任务").latest("pk")
    assert audit.changes["created"] == 2
    assert services.create_expected_reports(rnd) == 0


def test_moving_and_reactivating_orgs_create_their_reports(cast, rnd):
    from safetymonth.orgs import services as org_services

    closed = make_org("撤销科室", "section", cast.commission, is_active=False, safety_responsible=True)
    org_services.set_org_active(None, closed, active=True)
    assert Report.objects.filter(round=rnd, org=closed).exists()
    Round.objects.filter(pk=rnd.pk).update(expected_kinds=["section", "enterprise"])
    rnd.refresh_from_db()
    services.create_expected_reports(rnd)
    outside = make_org("外区委", "authority")
    section_outside = make_org("外区科室", "section", outside)
    firm = make_org("外区企业", "enterprise", section_outside)
    assert not Report.objects.filter(round=rnd, org=firm).exists()
    org_services.move_org(None, firm, cast.section)
    assert Report.objects.filter(round=rnd, org=firm).exists()


def test_page_views_write_no_reports(cast, rnd, client):
    Report.objects.filter(round=rnd, org=cast.section).delete()
    client.force_login(cast.office)
    for url in (
        reverse("reports:list"),
        reverse("reports:nonfilers", args=[rnd.campaign.public_id, rnd.code]),
    ):
        assert client.get(url).status_code == 200
    assert not Report.objects.filter(round=rnd, org=cast.section).exists()


def test_saving_a_round_of_a_published_campaign_creates_its_reports(cast, rnd):
    rnd.expected_kinds = ["section", "enterprise"]
    rnd.save(update_fields=["expected_kinds"])
    assert Report.objects.filter(round=rnd, org__kind="enterprise").count() == 3


def test_enterprises_report_when_the_round_expects_them(cast, rnd):
    Round.objects.filter(pk=rnd.pk).update(expected_kinds=["section", "enterprise"])
    rnd.refresh_from_db()
    services.create_expected_reports(rnd)
    assert Report.objects.filter(round=rnd, org__kind="enterprise").count() == 3


def test_save_draft_keeps_what_was_typed_even_when_wrong(cast, rnd):
    report = report_of(cast, cast.section)
    data = {"ind-theory_study_sessions": "abc", "ind-theory_study_participants": "１２", "contact_phone": "123"}
    result = services.save_draft(cast.section_staff, report, data, report.version)
    assert result.errors["theory_study_sessions"] == ["请输入整数。"]
    assert "contact_phone" in result.header_errors
    assert report.contact_phone == "123"  # kept as typed in the draft
    assert report.version == 2
    assert services.stored_raw(report)["theory_study_sessions"] == "abc"
    value = Value.objects.get(report=report, indicator__code="theory_study_participants")
    assert value.int_value == 12
    event = report.events.get()
    assert event.action == ReportAction.SAVE and event.snapshot["values"]["theory_study_sessions"] == "abc"
    assert AuditEntry.objects.filter(object_id=report.public_id, action=AuditEntry.Action.UPDATE).exists()


def test_version_conflict_refuses_and_overwrites_nothing(cast, rnd):
    report = report_of(cast, cast.section)
    second = make_user("section2", cast.section, Role.SECTION_STAFF)
    services.save_draft(cast.section_staff, report, {"ind-lecture_sessions": "3"}, 1)
    stale = Report.objects.get(pk=report.pk)
    stale.version = 1
    with pytest.raises(services.ConcurrentEdit) as info:
        services.save_draft(second, stale, {"ind-lecture_sessions": "99"}, 1)
    assert (info.value.expected_version, info.value.current_version) == (1, 2)
    assert services.stored_raw(report)["lecture_sessions"] == "3"
    assert Report.objects.get(pk=report.pk).version == 2


def test_conditional_update_lets_only_one_of_two_saves_with_the_same_version_win(cast, rnd):
    """The lost-update case: two requests loaded version 1 and both save. Runs on SQLite and
    PostgreSQL alike (the version check is a conditional UPDATE ... WHERE version = 1)."""
    report = report_of(cast, cast.section)
    a = Report.objects.get(pk=report.pk)
    b = Report.objects.get(pk=report.pk)
    services.save_draft(cast.section_staff, a, {"ind-lecture_sessions": "1"}, 1)
    with pytest.raises(services.ConcurrentEdit):
        services.save_draft(cast.section_staff, b, {"ind-lecture_sessions": "2"}, 1)
    assert services.stored_raw(report)["lecture_sessions"] == "1"
    assert report.events.count() == 1


def test_submit_with_errors_saves_but_does_not_submit(cast, rnd):
    report = report_of(cast, cast.section)
    data = valid_data(rnd.form, lecture_sessions="5", lecture_participants="2")
    result = services.submit_report(cast.section_staff, report, data, report.version)
    assert not result.submitted
    assert "lecture_participants" in result.errors  # participants < sessions
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert services.stored_raw(report)["lecture_participants"] == "2"


def test_submit_refuses_an_invalid_phone_kept_in_the_draft(cast, rnd):
    report = report_of(cast, cast.section)
    result = services.submit_report(
        cast.section_staff, report, valid_data(rnd.form, contact_phone="6808"), report.version
    )
    assert not result.submitted and "contact_phone" in result.header_errors
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.contact_phone == "6808"


def test_submit_requires_every_required_value_and_the_header(cast, rnd):
    report = report_of(cast, cast.section)
    result = services.submit_report(cast.section_staff, report, {}, report.version)
    assert not result.submitted
    assert "theory_study_sessions" in result.errors
    assert set(result.header_errors) == {"contact_name", "contact_phone", "filled_on"}


def test_submit_valid_report_notifies_the_office(cast, rnd):
    report = report_of(cast, cast.section)
    result = services.submit_report(cast.section_staff, report, valid_data(rnd.form), report.version)
    assert result.submitted
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submit_count == 1 and not report.is_late
    assert report.contact_phone == "023-68083116"
    assert Notification.objects.filter(user=cast.office).exists()


def test_double_submit_is_harmless(cast, rnd):
    report = in_status(cast, cast.section, ReportStatus.SUBMITTED)
    version = report.version
    again = services.submit_report(cast.section_staff, report, valid_data(rnd.form, number=99), version - 1)
    assert again.already_submitted
    report.refresh_from_db()
    assert report.version == version and report.submit_count == 1
    assert services.stored_raw(report)["lecture_sessions"] == "10"


def test_late_submission_is_accepted_and_marked(cast, rnd):
    Round.objects.filter(pk=rnd.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    report = in_status(cast, cast.section, ReportStatus.SUBMITTED)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.is_late


def test_round_locked_at_deadline_refuses_entry(cast, rnd):
    Round.objects.filter(pk=rnd.pk).update(deadline=timezone.now() - dt.timedelta(hours=1), lock_at_deadline=True)
    report = report_of(cast, cast.section)
    with pytest.raises(ValidationError):
        services.save_draft(cast.section_staff, report, valid_data(rnd.form), report.version)
    with pytest.raises(ValidationError):
        services.submit_report(cast.section_staff, report, valid_data(rnd.form), report.version)


def test_return_needs_a_reason_and_notifies_the_section(cast, rnd, django_capture_on_commit_callbacks):
    report = in_status(cast, cast.section, ReportStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        services.return_report(cast.office, report, "  ")
    mail.outbox.clear()
    cast.section_staff.email = "section@example.com"
    cast.section_staff.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(cast.office, report, "讲座参与人次偏少，请核实")
    assert report.status == ReportStatus.RETURNED and report.return_reason == "讲座参与人次偏少，请核实"
    assert Notification.objects.filter(user=cast.section_staff, text__contains="讲座参与人次偏少").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["section@example.com"]


def test_notices_are_written_in_the_site_language_whatever_the_sender_reads(
    cast, rnd, django_capture_on_commit_callbacks
):
    """An office reading the site in English returns a report: the section, which reads Chinese,
    gets its notice and email in Chinese (the site's language), not in the sender's."""
    from django.utils import translation

    report = in_status(cast, cast.section, ReportStatus.SUBMITTED)
    cast.section_staff.email = "section@example.com"
    cast.section_staff.save(update_fields=["email"])
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.return_report(cast.office, report, "请核实")
        assert translation.get_language() == "en"  # the sender's language is left as it was
    notice = Notification.objects.get(user=cast.section_staff)
    assert notice.text == f"“{rnd.name}”被退回：请核实"
    assert mail.outbox[0].subject.startswith("【安全生产月】")
    with translation.override("en"):
        services.chase_report(cast.office, in_status(cast, cast.other_section, ReportStatus.DRAFT))
    assert Notification.objects.filter(text__startswith="催报：").exists()
    assert not Notification.objects.filter(text__icontains="submit").exists()


def test_resubmission_is_counted_and_approval_locks(cast, rnd):
    report = in_status(cast, cast.section, ReportStatus.RETURNED)
    result = services.submit_report(cast.section_staff, report, valid_data(rnd.form, number=12), report.version)
    assert result.submitted and report.is_resubmitted and report.status_label == "已重新提交"
    services.approve_report(cast.office, report)
    assert report.status == ReportStatus.APPROVED and report.approved_by == cast.office
    with pytest.raises(ValidationError):
        services.save_draft(cast.section_staff, report, valid_data(rnd.form, number=1), report.version)
    assert services.stored_raw(report)["lecture_sessions"] == "12"
    actions = list(report.events.values_list("action", flat=True))
    assert actions == ["save", "submit", "return", "save", "submit", "approve"]


def test_office_reopens_with_a_reason(cast, rnd):
    report = in_status(cast, cast.section, ReportStatus.APPROVED)
    with pytest.raises(ValidationError):
        services.reopen_report(cast.office, report, "")
    services.reopen_report(cast.office, report, "数据需更正")
    assert report.status == ReportStatus.RETURNED and report.approved_at is None
    services.save_draft(cast.section_staff, report, valid_data(rnd.form, number=11), report.version)


def test_section_cannot_review_its_own_report(cast, rnd):
    report = in_status(cast, cast.section, ReportStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.approve_report(cast.section_staff, report)
    with pytest.raises(PermissionDenied):
        services.return_report(cast.section_staff, report, "x")


def test_nobody_approves_their_own_org(cast, rnd):
    """An office member of 市场运行科 cannot approve 市场运行科's report."""
    own = make_user("planner", cast.section, Role.OFFICE)
    filler = cast.section_staff
    report = report_of(cast, cast.section)
    services.submit_report(filler, report, valid_data(rnd.form), report.version)
    with pytest.raises(PermissionDenied):
        services.approve_report(own, report)
    services.approve_report(cast.office, report)  # the commission's office can


def test_enterprise_report_is_reviewed_by_its_section_not_by_enterprises(cast, rnd):
    Round.objects.filter(pk=rnd.pk).update(expected_kinds=["section", "enterprise"])
    rnd.refresh_from_db()
    services.create_expected_reports(rnd)
    report = in_status_enterprise(cast, rnd)
    with pytest.raises(PermissionDenied):
        services.approve_report(cast.enterprise_staff, report)
    with pytest.raises(PermissionDenied):
        services.approve_report(cast.other_section_staff, report)
    with pytest.raises(PermissionDenied):
        services.approve_report(cast.office, report)  # the office reviews sections, not enterprises
    services.approve_report(cast.section_staff, report)
    assert report.status == ReportStatus.APPROVED


def in_status_enterprise(cast, rnd) -> Report:
    report = Report.objects.select_related("org", "round").get(round=rnd, org=cast.enterprise)
    services.submit_report(cast.enterprise_staff, report, valid_data(rnd.form), report.version)
    return report


def test_only_the_orgs_staff_fill(cast, rnd):
    report = report_of(cast, cast.section)
    for user in (cast.office, cast.leader, cast.other_section_staff, cast.enterprise_staff):
        with pytest.raises(PermissionDenied):
            services.save_draft(user, report, {}, report.version)


def test_return_and_approve_only_submitted_reports(cast, rnd):
    report = report_of(cast, cast.section)
    with pytest.raises(ValidationError):
        services.approve_report(cast.office, report)
    with pytest.raises(ValidationError):
        services.return_report(cast.office, report, "x")


def test_warnings_need_a_comment_before_submitting(cast, rnd):
    # three peers report 10 lecture sessions; 500 is far above their median
    extra = make_org("第四科", "section", cast.commission, safety_responsible=True)
    fifth = make_org("第五科", "section", cast.commission, safety_responsible=True)
    services.create_expected_reports(rnd)
    for org in (cast.other_section, extra, fifth):
        in_status(cast, org, ReportStatus.SUBMITTED)
    report = report_of(cast, cast.section)
    data = valid_data(rnd.form, lecture_sessions="500", lecture_participants="600")
    result = services.submit_report(cast.section_staff, report, data, report.version)
    assert not result.submitted
    assert "lecture_sessions" in result.warnings and "lecture_sessions" in result.comment_errors
    data["comment-lecture_sessions"] = "开展了全区巡回宣讲"
    data["comment-lecture_participants"] = "同上"
    result = services.submit_report(cast.section_staff, report, data, report.version)
    assert result.submitted, (result.errors, result.comment_errors)
    assert report.comments["lecture_sessions"] == "开展了全区巡回宣讲"


def test_indicator_has_values_once_something_is_typed(cast, rnd):
    report = report_of(cast, cast.section)
    indicator = rnd.form.indicators.get(code="lecture_sessions")
    assert not indicator_has_values(indicator)
    services.save_draft(cast.section_staff, report, {"ind-lecture_sessions": "2"}, report.version)
    assert indicator_has_values(indicator)


def test_office_of_the_report_to_org_sees_and_reviews_the_sections(cast, rnd):
    """An office member on 规划秩序科 (the round's report_to) reviews the other sections' reports."""
    from safetymonth.reports.permissions import get_report_for_user

    planner = make_user("planner", cast.office_org, Role.OFFICE)
    report = in_status(cast, cast.section, ReportStatus.SUBMITTED)
    assert get_report_for_user(planner, report.public_id) == report
    services.approve_report(planner, report)
    assert report.status == ReportStatus.APPROVED


def test_each_review_step_records_history_audit_and_notice(cast, rnd):
    report = in_status(cast, cast.section, ReportStatus.SUBMITTED)
    services.return_report(cast.office, report, "请补充佐证")
    entry = AuditEntry.objects.filter(object_id=report.public_id).order_by("-id").first()
    assert entry.changes == {"status": ["submitted", "returned"], "reason": "请补充佐证"}
    assert report.events.filter(action=ReportAction.RETURN, reason="请补充佐证").exists()
    assert Notification.objects.filter(user=cast.section_staff, url__endswith="/edit/").exists()
