"""Handling: the workflow and its clocks, the section's view (matter only), identity reveal,
conversion into a hazard, reminders and the identity purge — and that name and phone show on no
page but the reveal, for any role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from safetymonth.audit.models import AuditEntry
from safetymonth.hazards.models import FoundBy, HazardCategory
from safetymonth.tipoffs import services
from safetymonth.tipoffs.models import TipOff, TipStatus
from safetymonth.tipoffs.tests.helpers import REPORTER_ID, REPORTER_NAME, REPORTER_PHONE, make_tip, tip_in
from tests.access import ROLES

pytestmark = pytest.mark.django_db


def test_workflow_and_clocks(cast, settings):
    h = cast.tip_handler
    tip, _code = make_tip(cast)
    assert tip.acknowledge_due - tip.received_at == dt.timedelta(days=settings.TIP_ACKNOWLEDGE_DAYS)
    services.accept_tip(h, tip)
    assert tip.status == TipStatus.ACCEPTED
    assert (tip.verify_due - timezone.now()).days in (59, 60)
    with pytest.raises(ValidationError):
        services.accept_tip(h, tip)
    deadline = timezone.localdate() + dt.timedelta(days=10)
    services.transfer_tip(h, tip, cast.section, deadline)
    assert tip.section == cast.section and tip.status == TipStatus.TRANSFERRED
    with pytest.raises(ValidationError):
        services.transfer_tip(h, tip, cast.section, timezone.localdate() + dt.timedelta(days=400))
    due = tip.verify_due
    services.extend_verification(h, tip, "需要调取监控")
    assert tip.verify_due - due == dt.timedelta(days=30)
    with pytest.raises(ValidationError):
        services.extend_verification(h, tip, "再延一次")
    services.start_verification(h, tip)
    services.record_verification(h, tip, "partly", "部分属实")
    assert tip.status == TipStatus.VERIFIED and tip.feedback_due
    with pytest.raises(ValidationError):
        services.close_tip(h, tip, "  ")
    services.close_tip(h, tip, "已责令整改。")
    assert tip.status == TipStatus.CLOSED and tip.closed_at
    assert [x.action for x in tip.history.all()] == [
        "receive", "accept", "transfer", "extend", "start", "verify", "close",
    ]  # fmt: skip


def test_reject_needs_a_reason_the_reporter_reads(cast):
    tip, _code = make_tip(cast)
    with pytest.raises(ValidationError):
        services.reject_tip(cast.tip_handler, tip, " ")
    services.reject_tip(cast.tip_handler, tip, "不属于本部门职责，请向区应急局反映。")
    assert tip.status == TipStatus.CLOSED and tip.public_reply.startswith("不属于")


def test_only_tip_handlers_act(cast):
    tip, _code = make_tip(cast)
    for user in (cast.office, cast.section_staff, cast.other_office):
        with pytest.raises(PermissionDenied):
            services.accept_tip(user, tip)
        with pytest.raises(PermissionDenied):
            services.reveal_identity(user, tip, "我想知道是谁")


def test_reveal_needs_a_reason_and_is_an_audit_entry_the_office_lists(cast, client):
    tip, _code = make_tip(cast)
    client.force_login(cast.tip_handler)
    url = reverse("tipoffs:reveal", args=[tip.public_id])
    r = client.post(url, {"reason": ""})
    assert "reason" in r.context["form"].errors and REPORTER_PHONE not in r.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEAL).exists()
    r = client.post(url, {"reason": "申领奖励，核对实名"})
    body = r.content.decode()
    assert REPORTER_NAME in body and REPORTER_PHONE in body and REPORTER_ID in body
    assert "no-store" in r["Cache-Control"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEAL)
    assert entry.actor == cast.tip_handler and "申领奖励" in entry.summary
    assert entry in AuditEntry.objects.for_user(cast.office)


def test_section_sees_a_transferred_tips_matter_never_the_identity(cast, client):
    pending = tip_in(cast, "pending")
    transferred = tip_in(cast, "transferred")
    client.force_login(cast.section_staff)
    assert client.get(reverse("tipoffs:detail", args=[pending.public_id])).status_code == 404
    page = client.get(reverse("tipoffs:detail", args=[transferred.public_id])).content.decode()
    assert "静电接地" in page
    assert REPORTER_NAME not in page and REPORTER_PHONE not in page and "reveal" not in page
    assert client.get(reverse("tipoffs:reveal", args=[transferred.public_id])).status_code == 403
    client.force_login(cast.other_section_staff)
    assert client.get(reverse("tipoffs:detail", args=[transferred.public_id])).status_code == 404
    listing = client.get(reverse("tipoffs:list")).content.decode()
    assert transferred.public_id not in listing


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_name_and_phone_appear_on_no_page_but_the_reveal(cast, client, role):
    tips = [tip_in(cast, s) for s in ("pending", "transferred", "verified", "closed")]
    services.add_handler_message(cast.tip_handler, tips[0], "请补充时间")
    client.force_login(cast.users_by_role()[role])
    urls = [reverse("tipoffs:list"), reverse("tipoffs:list") + "?overdue=1", reverse("core:home")]
    for tip in tips:
        urls += [reverse("tipoffs:detail", args=[tip.public_id]), reverse("tipoffs:reveal", args=[tip.public_id])]
    urls += [reverse("audit:list")]
    for url in urls:
        body = client.get(url).content.decode()
        for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_ID):
            assert secret not in body, (role, url)


def test_conversion_copies_the_matter_and_no_identity(cast):
    tip = tip_in(cast, "verified")
    category = HazardCategory.objects.filter(is_active=True).first()
    hazard = services.convert_tip_to_hazard(
        cast.tip_handler, tip, category=category, level="general", place="罩棚", description="违规卸油，无静电接地"
    )
    assert hazard.org == cast.enterprise and hazard.found_by == FoundBy.TIP and hazard.source_ref == tip.public_id
    text = " ".join(str(v) for v in hazard.__dict__.values())
    for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_ID):
        assert secret not in text
    assert TipOff.objects.get(pk=tip.pk).hazard == hazard
    with pytest.raises(ValidationError):
        services.convert_tip_to_hazard(
            cast.tip_handler, tip, category=category, level="general", place="", description="again"
        )


def test_conversion_needs_a_founded_tip(cast):
    tip = tip_in(cast, "accepted")
    category = HazardCategory.objects.filter(is_active=True).first()
    with pytest.raises(ValidationError):
        services.convert_tip_to_hazard(
            cast.tip_handler, tip, category=category, level="general", place="", description="x"
        )


def test_reminders_once_per_clock(cast):
    tip, _code = make_tip(cast)
    later = timezone.now() + dt.timedelta(days=6)
    assert list(TipOff.objects.overdue(later)) == [tip]
    assert services.send_tip_reminders(later) == 1
    assert services.send_tip_reminders(later) == 0
    services.accept_tip(cast.tip_handler, tip)
    assert services.send_tip_reminders(timezone.now() + dt.timedelta(days=61)) == 1
    assert services.send_tip_reminders(timezone.now() + dt.timedelta(days=62)) == 0
    from safetymonth.reports.models import Notification

    assert (
        Notification.objects.filter(user=cast.tip_handler).count() == 2
    )  # the two reminders (the new-tip notice goes on commit)
    call_command("send_tip_reminders")


def test_purge_identities_after_retention(cast, settings):
    closed = tip_in(cast, "closed")
    open_tip = tip_in(cast, "pending")
    settings.TIP_IDENTITY_RETENTION_DAYS = 30
    assert services.purge_identities(timezone.now() + dt.timedelta(days=10)) == 0
    assert services.purge_identities(timezone.now() + dt.timedelta(days=31)) == 1
    closed.refresh_from_db()
    assert not closed.has_identity and closed.identity_purged_at
    assert TipOff.objects.get(pk=open_tip.pk).has_identity
    assert services.purge_identities(timezone.now() + dt.timedelta(days=31)) == 0
    call_command("purge_tip_identities")


def test_handler_pages_walk(cast, client):
    tip = tip_in(cast, "accepted")
    client.force_login(cast.tip_handler)
    r = client.post(reverse("tipoffs:act", args=[tip.public_id]), {"action": "transfer", "deadline": "2000-01-01"})
    assert r.status_code == 200 and "section" in r.context["transfer_form"].errors
    r = client.post(
        reverse("tipoffs:act", args=[tip.public_id]),
        {"action": "transfer", "section": cast.section.pk, "deadline": "2000-01-01"},
    )
    assert r.status_code == 200 and "办理期限不能早于今天" in r.content.decode()
    client.post(reverse("tipoffs:act", args=[tip.public_id]), {"action": "message", "text": "请问是几点？"})
    assert tip.messages.count() == 1
    assert client.get(reverse("tipoffs:list"), {"status": "accepted"}).status_code == 200


def test_handler_converts_from_the_tip_page_and_stays_on_it(cast, client):
    tip = tip_in(cast, "verified")
    client.force_login(cast.tip_handler)
    category = HazardCategory.objects.filter(is_active=True).first()
    r = client.post(
        reverse("tipoffs:convert", args=[tip.public_id]),
        {"category": category.pk, "level": "general", "place": "罩棚", "description": "违规卸油"},
    )
    assert r.status_code == 302 and r["Location"] == reverse("tipoffs:detail", args=[tip.public_id])
    page = client.get(r["Location"]).content.decode()
    assert "已登记" in page
