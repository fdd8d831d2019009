"""The hazard cycle (16号令): every transition, the forbidden ones (also by crafted POST), history
and audit on each, major-hazard notifications, overdue reminders once each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from safetymonth.accounts.models import Role
from safetymonth.audit.models import AuditEntry
from safetymonth.hazards import services
from safetymonth.hazards.models import FoundBy, Hazard, HazardLevel, HazardStatus
from safetymonth.hazards.tests.helpers import PLAN, category, make_hazard, register
from safetymonth.reports.models import Notification
from tests.factories import make_user


def _audits(hazard):
    return AuditEntry.objects.filter(object_id=hazard.public_id).count()


def test_full_cycle_registered_to_closed_with_history_and_audit(cast):
    hazard = register(cast, measures="更换软管", deadline=timezone.localdate() + dt.timedelta(days=7))
    assert hazard.status == HazardStatus.REGISTERED
    services.start_rectification(cast.enterprise_staff, hazard, hazard.version)
    assert hazard.status == HazardStatus.RECTIFYING
    services.record_rectification(
        cast.enterprise_staff, hazard, hazard.version, rectified_on=timezone.localdate(), note="已更换"
    )
    assert hazard.status == HazardStatus.AWAITING
    assert hazard.rectified_by == cast.enterprise_staff
    services.verify_hazard(cast.section_staff, hazard, hazard.version, passed=True)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED
    assert hazard.verified_by == cast.section_staff and hazard.closed_at is not None
    actions = list(hazard.history.values_list("action", "from_status", "to_status"))
    assert actions == [
        ("register", "", "registered"),
        ("start", "registered", "rectifying"),
        ("rectify", "rectifying", "awaiting"),
        ("close", "awaiting", "closed"),
    ]
    assert _audits(hazard) == 4


def test_failed_verification_goes_back_to_rectifying_with_reason(cast):
    hazard = make_hazard(cast, status=HazardStatus.AWAITING, rectified_by=cast.enterprise_staff)
    with pytest.raises(ValidationError) as exc:
        services.verify_hazard(cast.section_staff, hazard, hazard.version, passed=False, reason="")
    assert "reason" in exc.value.error_dict
    services.verify_hazard(cast.section_staff, hazard, hazard.version, passed=False, reason="软管仍未固定")
    assert hazard.status == HazardStatus.RECTIFYING and hazard.rectified_by is None
    entry = hazard.history.get(action="reject")
    assert entry.reason == "软管仍未固定" and entry.actor == cast.section_staff
    assert Notification.objects.filter(user=cast.enterprise_staff, text__contains="验收不通过").exists()


def test_whoever_recorded_the_rectification_never_verifies_it(cast):
    # a section's staff member rectifies a hazard of the section itself, then tries to verify it
    hazard = make_hazard(cast, org=cast.section, status=HazardStatus.RECTIFYING)
    services.record_rectification(
        cast.section_staff, hazard, hazard.version, rectified_on=timezone.localdate(), note="已整改"
    )
    with pytest.raises(ValidationError) as exc:
        services.verify_hazard(cast.section_staff, hazard, hazard.version, passed=True)
    assert exc.value.code == "own_rectification"
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING


def test_own_rectification_refused_by_crafted_post(client, cast):
    hazard = make_hazard(cast, org=cast.section, status=HazardStatus.AWAITING, rectified_by=cast.section_staff)
    client.force_login(cast.section_staff)
    response = client.post(
        reverse("hazards:verify", args=[hazard.public_id]), {"version": hazard.version, "result": "pass"}
    )
    assert response.status_code == 422
    assert "不能由您本人验收" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING


def test_major_hazard_needs_all_six_parts_of_its_plan(cast):
    hazard = register(
        cast, level=HazardLevel.MAJOR, measures="更换管道", deadline=timezone.localdate() + dt.timedelta(days=30)
    )
    services.set_plan(cast.enterprise_staff, hazard, hazard.version, **{**PLAN, "plan_safety": ""})
    with pytest.raises(ValidationError) as exc:
        services.start_rectification(cast.enterprise_staff, hazard, hazard.version)
    assert "安全措施和应急预案" in exc.value.message_dict["__all__"][0]
    services.set_plan(cast.enterprise_staff, hazard, hazard.version, plan_safety="停用燃气，配备灭火器")
    services.start_rectification(cast.enterprise_staff, hazard, hazard.version)
    assert hazard.status == HazardStatus.RECTIFYING


def test_start_needs_measures_and_deadline(cast):
    hazard = register(cast)
    with pytest.raises(ValidationError) as exc:
        services.start_rectification(cast.enterprise_staff, hazard, hazard.version)
    assert set(exc.value.error_dict) == {"measures", "deadline"}


def test_close_without_verification_is_impossible(client, cast):
    hazard = make_hazard(cast, status=HazardStatus.RECTIFYING)
    # verifying a hazard whose rectification is not recorded
    with pytest.raises(ValidationError):
        services.verify_hazard(cast.section_staff, hazard, hazard.version, passed=True)
    # the enterprise cannot verify at all, not even by crafted POST
    client.force_login(cast.enterprise_staff)
    hazard.status = HazardStatus.AWAITING
    hazard.save(update_fields=["status"])
    response = client.post(
        reverse("hazards:verify", args=[hazard.public_id]), {"version": hazard.version, "result": "pass"}
    )
    assert response.status_code == 403
    # and the table refuses a closed hazard without verification
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Hazard.objects.filter(pk=hazard.pk).update(status=HazardStatus.CLOSED)


def test_enterprise_cannot_touch_another_enterprises_hazard(client, cast):
    hazard = make_hazard(cast, org=cast.other_enterprise)
    with pytest.raises(PermissionDenied):
        services.start_rectification(cast.enterprise_staff, hazard, hazard.version)
    client.force_login(cast.enterprise_staff)
    for name in ("detail", "plan", "rectify"):
        assert client.get(reverse(f"hazards:{name}", args=[hazard.public_id])).status_code == 404
    assert client.post(reverse("hazards:start", args=[hazard.public_id]), {"version": 1}).status_code == 404
    # an enterprise of the same section is outside its scope too
    sibling = make_hazard(cast, org=cast.enterprise2)
    assert client.get(reverse("hazards:detail", args=[sibling.public_id])).status_code == 404


def test_section_of_another_branch_gets_404(client, cast):
    hazard = make_hazard(cast)
    client.force_login(cast.other_section_staff)
    assert client.get(reverse("hazards:detail", args=[hazard.public_id])).status_code == 404
    assert (
        client.post(reverse("hazards:verify", args=[hazard.public_id]), {"version": 1, "result": "pass"}).status_code
        == 404
    )


def test_stale_version_is_refused(cast):
    hazard = register(cast, measures="更换软管", deadline=timezone.localdate() + dt.timedelta(days=7))
    with pytest.raises(services.ConcurrentEdit):
        services.start_rectification(cast.enterprise_staff, hazard, hazard.version + 1)


def test_major_hazard_notifies_section_and_office_at_once(cast, mailoutbox):
    cast.section_staff.email = "section@example.com"
    cast.section_staff.save(update_fields=["email"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        register(cast, level=HazardLevel.MAJOR)
    notified = set(Notification.objects.filter(text__contains="重大事故隐患").values_list("user__username", flat=True))
    assert notified == {"section", "office"}
    assert [m.to for m in mail.outbox] == [["section@example.com"]]


def test_general_hazard_notifies_nobody(cast):
    register(cast)
    assert not Notification.objects.exists()


def test_supervise_only_major_and_only_office(cast):
    general = make_hazard(cast)
    with pytest.raises(ValidationError):
        services.supervise_hazard(cast.office, general, supervised=True)
    major = make_hazard(cast, level=HazardLevel.MAJOR)
    with pytest.raises(PermissionDenied):
        services.supervise_hazard(cast.section_staff, major, supervised=True)
    services.supervise_hazard(cast.office, major, supervised=True, reason="重大隐患挂牌")
    major.refresh_from_db()
    assert major.supervised and major.history.filter(action="supervise").exists()


def test_tip_off_registers_with_opaque_reference_only(cast):
    handler = make_user("tips2", cast.commission, Role.TIP_HANDLER)
    hazard = services.register_hazard(
        handler,
        cast.enterprise,
        found_by=FoundBy.TIP,
        found_on=timezone.localdate(),
        place="仓库",
        description="安全出口被堵",
        category=category("evacuation"),
        source_ref="TIP-7F3K2",
    )
    assert hazard.found_by == FoundBy.TIP and hazard.source_ref == "TIP-7F3K2"
    # a tip handler cannot register anything else
    with pytest.raises(PermissionDenied):
        services.register_hazard(
            handler,
            cast.enterprise,
            found_by=FoundBy.SELF,
            found_on=timezone.localdate(),
            place="x",
            description="x",
            category=hazard.category,
        )


def test_overdue_reminders_once_each_and_again_after_a_new_deadline(cast):
    today = timezone.localdate()
    late = make_hazard(cast, deadline=today - dt.timedelta(days=1), found_on=today - dt.timedelta(days=20))
    make_hazard(cast, deadline=today + dt.timedelta(days=1))
    make_hazard(cast, status=HazardStatus.CLOSED, deadline=today - dt.timedelta(days=3))
    assert list(Hazard.objects.overdue()) == [late]
    assert services.send_hazard_reminders() == 1
    assert services.send_hazard_reminders() == 0
    assert Notification.objects.filter(user=cast.enterprise_staff, text__startswith="逾期").count() == 1
    # a new deadline (missed again) re-arms the reminder
    services.set_plan(cast.section_staff, late, late.version, deadline=today - dt.timedelta(days=2))
    assert services.send_hazard_reminders() == 1


def test_register_page_keeps_input_and_shows_errors_at_fields(client, cast):
    client.force_login(cast.enterprise_staff)
    response = client.post(
        reverse("hazards:register"), {"description": "燃气软管老化", "found_on": "2999-01-01", "funds": "-5"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "燃气软管老化" in html
    assert 'data-field-error="found_on"' in html and "发现日期不能晚于今天" in html
    assert 'data-field-error="funds"' in html and 'data-field-error="category"' in html


def test_section_registers_in_an_enterprise_it_supervises_by_name(client, cast):
    client.force_login(cast.section_staff)
    data = {
        "org": cast.enterprise.name,
        "found_by": "inspection",
        "found_on": timezone.localdate().isoformat(),
        "category": str(category().pk),
        "level": "general",
        "place": "仓库",
        "description": "灭火器过期",
    }
    response = client.post(reverse("hazards:register"), data)
    assert response.status_code == 302
    hazard = Hazard.objects.get(description="灭火器过期")
    assert hazard.org == cast.enterprise and hazard.found_by == FoundBy.INSPECTION
    # another branch's enterprise is not found
    response = client.post(reverse("hazards:register"), {**data, "org": cast.other_enterprise.name})
    assert response.status_code == 200 and 'data-field-error="org"' in response.content.decode()
