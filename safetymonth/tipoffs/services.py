"""Tip-off workflows (atomic ``verb_noun`` functions): file a tip, find it by its receipt, write
messages both ways, accept / reject / transfer / verify / close it, convert it into a hazard,
reveal the reporter's identity (tip handlers only, with a reason, audited), clock reminders and
the identity purge. See docs/tipoffs.md for the rules each step follows.

Nothing here reads or stores the client's address or user agent: the audit middleware records
none for the public tip pages (``PUBLIC_TIP_PREFIX``), and the rate limits in ``abuse.py`` keep
only keyed hashes in the cache.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.accounts.models import Role
from safetymonth.accounts.permissions import Perm, can, scope_paths
from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.core.language import site_text
from safetymonth.lib import receipts
from safetymonth.tipoffs.models import (
    HISTORY_ACTIONS,
    VERIFY_STATUSES,
    TipHistory,
    TipMessage,
    TipOff,
    TipOutcome,
    TipStatus,
    sealer,
)

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.hazards.models import Hazard, HazardCategory
    from safetymonth.orgs.models import Org


@dataclass(frozen=True)
class NewTip:
    category: str
    enterprise_name: str
    details: str
    address: str = ""
    happened_on: dt.date | None = None
    is_employee: bool = False
    name: str = ""
    phone: str = ""
    id_number: str = ""


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _history(tip: TipOff, actor: User | None, action: str, from_status: str, note: str = "") -> None:
    TipHistory.objects.create(
        tip=tip,
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=action,
        from_status=from_status,
        to_status=tip.status,
        note=note,
    )


def _audit(actor: User | None, tip: TipOff, summary: str, changes: dict | None = None, action: str = "") -> None:
    log_event(
        actor,
        action or AuditEntry.Action.UPDATE,
        tip,
        org=tip.org,
        summary=summary,
        changes=changes,
        actor_name="" if actor else _("举报人"),
    )


def can_handle(user: User, tip: TipOff) -> bool:
    """A tip handler whose scope holds the tip's org (a top-level handler: also tips of no org)."""
    paths = scope_paths(user, Perm.HANDLE_TIPS)
    if tip.org is None:
        return any(p.count("/") == 1 for p in paths)
    return any(tip.org.path.startswith(p) for p in paths)


def _require_handler(actor: User, tip: TipOff) -> None:
    if not can_handle(actor, tip):
        raise PermissionDenied


def _require_status(tip: TipOff, *allowed: str) -> None:
    if tip.status not in allowed:
        raise ValidationError(
            _("该举报当前状态为“%(status)s”，不能进行此操作。") % {"status": tip.get_status_display()}
        )


def _match_org(name: str) -> Org | None:
    """The active enterprise of exactly that name (or short name), if there is one."""
    from django.db.models import Q

    from safetymonth.orgs.models import Org

    name = name.strip()
    if not name:
        return None
    found = list(Org.objects.filter(Q(name=name) | Q(short_name=name), kind="enterprise", is_active=True)[:2])
    return found[0] if len(found) == 1 else None


# ---------------------------------------------------------------------------------------------
# The reporter's side (no user; the receipt is the credential)


@transaction.atomic
def submit_tip(data: NewTip, *, pow_checked: bool, duplicate: bool) -> tuple[TipOff, str]:
    """File a tip; return it and its receipt code (shown once, stored only as a slow hash)."""
    s = sealer()
    code = receipts.new_code()
    salt = receipts.new_salt()
    now = timezone.now()
    tip = TipOff.objects.create(
        category=data.category,
        enterprise_name=data.enterprise_name.strip(),
        org=_match_org(data.enterprise_name),
        address=data.address.strip(),
        happened_on=data.happened_on,
        details_sealed=s.seal(data.details.strip()),
        is_employee=data.is_employee,
        name_sealed=s.seal(data.name.strip()),
        phone_sealed=s.seal(data.phone.strip()),
        id_number_sealed=s.seal(data.id_number.strip().upper()),
        receipt_bucket=receipts.lookup_bucket(code, settings.SECRET_KEY),
        receipt_salt=salt,
        receipt_hash=receipts.hash_code(code, salt),
        duplicate=duplicate,
        pow_checked=pow_checked,
        received_at=now,
        acknowledge_due=now + _days(settings.TIP_ACKNOWLEDGE_DAYS),
    )
    _history(tip, None, "receive", "")
    _audit(None, tip, _("收到举报：%(tip)s") % {"tip": tip}, action=AuditEntry.Action.CREATE)
    transaction.on_commit(lambda: _notify_handlers(tip, gettext_lazy("收到新的举报：%(tip)s，请在期限内受理。")))
    return tip, code


def find_tip_by_receipt(code: str) -> TipOff | None:
    """The tip whose receipt is ``code`` (slow: one scrypt per row of the code's bucket)."""
    code = receipts.normalise(code)
    if not receipts.is_well_formed(code):
        return None
    for tip in TipOff.objects.filter(receipt_bucket=receipts.lookup_bucket(code, settings.SECRET_KEY)):
        if receipts.check_code(code, tip.receipt_salt, tip.receipt_hash):
            return tip
    return None


@transaction.atomic
def add_reporter_message(tip: TipOff, text: str) -> TipMessage:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("请填写留言内容。")})
    msg = TipMessage.objects.create(tip=tip, sender=TipMessage.Sender.REPORTER, text_sealed=sealer().seal(text))
    _audit(None, tip, _("举报人留言"), action=AuditEntry.Action.CREATE)
    transaction.on_commit(lambda: _notify_handlers(tip, gettext_lazy("举报人对“%(tip)s”留言了。")))
    return msg


# ---------------------------------------------------------------------------------------------
# Handling (tip handlers)


@transaction.atomic
def add_handler_message(actor: User, tip: TipOff, text: str) -> TipMessage:
    _require_handler(actor, tip)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("请填写留言内容。")})
    msg = TipMessage.objects.create(
        tip=tip, sender=TipMessage.Sender.HANDLER, author=actor, text_sealed=sealer().seal(text)
    )
    _audit(actor, tip, _("给举报人留言"), action=AuditEntry.Action.CREATE)
    return msg


def _move(actor: User | None, tip: TipOff, action: str, note: str = "", **fields) -> TipOff:
    before = tip.status
    for name, value in fields.items():
        setattr(tip, name, value)
    tip.save(update_fields=list(fields))
    _history(tip, actor, action, before, note)
    _audit(
        actor,
        tip,
        _("举报%(action)s：%(tip)s") % {"action": str(HISTORY_ACTIONS.get(action, action)), "tip": tip},
        {"status": [before, tip.status]} if before != tip.status else None,
    )
    return tip


@transaction.atomic
def accept_tip(actor: User, tip: TipOff) -> TipOff:
    """受理: the verification clock starts."""
    _require_handler(actor, tip)
    _require_status(tip, TipStatus.PENDING)
    return _move(
        actor,
        tip,
        "accept",
        status=TipStatus.ACCEPTED,
        verify_due=timezone.now() + _days(settings.TIP_VERIFY_DAYS),
    )


@transaction.atomic
def reject_tip(actor: User, tip: TipOff, reason: str) -> TipOff:
    """不予受理, with a reason the reporter reads."""
    _require_handler(actor, tip)
    _require_status(tip, TipStatus.PENDING)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不予受理的理由，举报人会看到它。")})
    now = timezone.now()
    return _move(actor, tip, "reject", reason, status=TipStatus.CLOSED, public_reply=reason, outcome="", closed_at=now)


@transaction.atomic
def transfer_tip(actor: User, tip: TipOff, section: Org, deadline: dt.date) -> TipOff:
    """转办 to the responsible section with a deadline (within the verification clock)."""
    _require_handler(actor, tip)
    _require_status(tip, TipStatus.ACCEPTED, TipStatus.TRANSFERRED)
    if section.kind != "section" or not can(actor, Perm.HANDLE_TIPS, section):
        raise ValidationError({"section": _("请选择本机关的一个科室。")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("办理期限不能早于今天。")})
    if tip.verify_due and deadline > timezone.localdate(tip.verify_due):
        raise ValidationError({"deadline": _("办理期限不能晚于核查期限。")})
    tip = _move(
        actor, tip, "transfer", section.name, status=TipStatus.TRANSFERRED, section=section, section_deadline=deadline
    )
    from safetymonth.reports.services import notify_org

    notify_org(
        section,
        site_text(gettext_lazy("转办举报：%(tip)s，请于 %(deadline)s 前核查。"), tip=str(tip), deadline=str(deadline)),
        reverse("tipoffs:detail", args=[tip.public_id]),
    )
    return tip


@transaction.atomic
def start_verification(actor: User, tip: TipOff) -> TipOff:
    _require_handler(actor, tip)
    _require_status(tip, TipStatus.ACCEPTED, TipStatus.TRANSFERRED)
    return _move(actor, tip, "start", status=TipStatus.VERIFYING)


@transaction.atomic
def extend_verification(actor: User, tip: TipOff, reason: str) -> TipOff:
    """One approved extension of the verification clock."""
    _require_handler(actor, tip)
    _require_status(tip, *VERIFY_STATUSES)
    if tip.extended:
        raise ValidationError(_("核查期限只能延长一次。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写延期理由。")})
    due = (tip.verify_due or timezone.now()) + _days(settings.TIP_EXTENSION_DAYS)
    return _move(actor, tip, "extend", reason.strip(), extended=True, verify_due=due, verify_reminded_at=None)


@transaction.atomic
def record_verification(actor: User, tip: TipOff, outcome: str, note: str) -> TipOff:
    """属实 / 部分属实 / 不属实; the feedback clock starts."""
    _require_handler(actor, tip)
    _require_status(tip, *VERIFY_STATUSES)
    if outcome not in TipOutcome.values:
        raise ValidationError({"outcome": _("请选择核查结果。")})
    return _move(
        actor,
        tip,
        "verify",
        note.strip(),
        status=TipStatus.VERIFIED,
        outcome=outcome,
        feedback_due=timezone.now() + _days(settings.TIP_FEEDBACK_DAYS),
    )


@transaction.atomic
def close_tip(actor: User, tip: TipOff, feedback: str) -> TipOff:
    """办结 with the feedback the reporter reads."""
    _require_handler(actor, tip)
    _require_status(tip, TipStatus.VERIFIED)
    if not feedback.strip():
        raise ValidationError({"feedback": _("请填写给举报人的反馈。")})
    return _move(actor, tip, "close", status=TipStatus.CLOSED, public_reply=feedback.strip(), closed_at=timezone.now())


@transaction.atomic
def convert_tip_to_hazard(
    actor: User, tip: TipOff, *, category: HazardCategory, level: str, place: str, description: str
) -> Hazard:
    """A verified tip (属实 / 部分属实) becomes a hazard of the named enterprise, found by 举报, with
    the tip's public id as the source reference and the matter — nothing about the reporter."""
    from safetymonth.hazards.models import FoundBy
    from safetymonth.hazards.services import register_hazard

    _require_handler(actor, tip)
    if tip.status not in (TipStatus.VERIFIED, TipStatus.CLOSED) or tip.outcome not in (
        TipOutcome.TRUE,
        TipOutcome.PARTLY,
    ):
        raise ValidationError(_("只有核查属实或部分属实的举报才能转为隐患。"))
    if tip.hazard_id:
        raise ValidationError(_("该举报已转为隐患。"))
    if tip.org is None:
        raise ValidationError({"org": _("该举报没有对应到系统中的企业，请先确认被举报单位。")})
    hazard = register_hazard(
        actor,
        tip.org,
        found_by=FoundBy.TIP,
        found_on=timezone.localdate(tip.received_at),
        place=place.strip() or tip.address or tip.org.name,
        description=description.strip(),
        category=category,
        level=level,
        source_ref=tip.public_id,
    )
    tip.hazard = hazard
    _move(actor, tip, "convert", hazard.public_id, hazard=hazard)
    return hazard


@transaction.atomic
def set_tip_org(actor: User, tip: TipOff, org: Org) -> TipOff:
    """Name the enterprise in the tree that the tip is about (when the free text matched none)."""
    _require_handler(actor, tip)
    if org.kind != "enterprise" or not can(actor, Perm.HANDLE_TIPS, org):
        raise ValidationError({"org": _("请选择本机关辖区内的企业。")})
    return _move(actor, tip, "receive", org.name, org=org)


def reveal_identity(actor: User, tip: TipOff, reason: str) -> dict[str, str]:
    """Open the reporter's identity: tip handlers only, a reason required, one audit entry each."""
    _require_handler(actor, tip)
    reason = reason.strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("请说明查看举报人身份的理由（至少 4 个字）。")})
    identity = tip.identity()
    log_event(
        actor,
        AuditEntry.Action.REVEAL,
        tip,
        org=tip.org,
        summary=_("查看举报人身份：%(reason)s") % {"reason": reason[:200]},
        changes={"reason": reason},
    )
    return identity


# ---------------------------------------------------------------------------------------------
# Clocks and retention


def _handlers_of(tip: TipOff) -> list[User]:
    from safetymonth.accounts.models import User as UserModel

    users = UserModel.objects.filter(is_active=True, memberships__role=Role.TIP_HANDLER).distinct()
    return [u for u in users if can_handle(u, tip)]


def _notify_handlers(tip: TipOff, text) -> int:
    from safetymonth.reports.services import notify

    return notify(_handlers_of(tip), site_text(text, tip=str(tip)), reverse("tipoffs:detail", args=[tip.public_id]))


REMINDERS = [
    # (clock, reminded field, message)
    ("acknowledge", "ack_reminded_at", gettext_lazy("逾期未受理：举报“%(tip)s”已超过受理期限。")),
    ("verify", "verify_reminded_at", gettext_lazy("核查逾期：举报“%(tip)s”已超过核查期限。")),
    ("feedback", "feedback_reminded_at", gettext_lazy("反馈逾期：举报“%(tip)s”核查后尚未向举报人反馈。")),
]


def send_tip_reminders(now: dt.datetime | None = None) -> int:
    """Remind the handlers once per overdue clock of each tip (claimed by a conditional UPDATE, so
    concurrent runs never remind twice)."""
    now = now or timezone.now()
    sent = 0
    for tip in TipOff.objects.overdue(now).select_related("org").iterator():
        clock = tip.overdue_clock(now)
        for name, field, text in REMINDERS:
            if name != clock or getattr(tip, field) is not None:
                continue
            with transaction.atomic():
                if not TipOff.objects.filter(pk=tip.pk, **{f"{field}__isnull": True}).update(**{field: now}):
                    continue
                n = _notify_handlers(tip, text)
                _history(tip, None, "reminder", tip.status, name)
                _audit(None, tip, _("举报到期提醒：%(tip)s") % {"tip": tip}, {"clock": name, "recipients": n})
            sent += 1
    return sent


def purge_identities(now: dt.datetime | None = None) -> int:
    """Erase name, phone and ID number of tips closed longer than TIP_IDENTITY_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - _days(settings.TIP_IDENTITY_RETENTION_DAYS)
    done = 0
    for tip in TipOff.objects.filter(status=TipStatus.CLOSED, closed_at__lt=cutoff, identity_purged_at=None):
        with transaction.atomic():
            TipOff.objects.filter(pk=tip.pk).update(
                name_sealed="", phone_sealed="", id_number_sealed="", identity_purged_at=now
            )
            tip.identity_purged_at = now
            _history(tip, None, "purge", tip.status)
            _audit(None, tip, _("清除举报人身份信息：%(tip)s") % {"tip": tip}, action=AuditEntry.Action.DELETE)
        done += 1
    return done


def rotate_keys() -> int:
    """Re-seal every sealed field with the first key of TIP_ENCRYPTION_KEYS (after adding a key)."""
    s = sealer()
    n = 0
    for tip in TipOff.objects.all().iterator():
        fields = ["details_sealed", "name_sealed", "phone_sealed", "id_number_sealed"]
        for f in fields:
            setattr(tip, f, s.rotate(getattr(tip, f)))
        tip.save(update_fields=fields)
        n += 1
    for msg in TipMessage.objects.all().iterator():
        msg.text_sealed = s.rotate(msg.text_sealed)
        msg.save(update_fields=["text_sealed"])
    return n
