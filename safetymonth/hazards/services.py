"""Hazard workflows (atomic ``verb_noun`` functions): register, plan, start and record the
rectification, verify (销号 or back to rectifying), supervise; overdue reminders; exposure cases.

Every write is an audit entry (audit.services.log_event) and every change of a hazard a
``HazardHistory`` row; edits are optimistically locked on ``Hazard.version`` like reports. The
rules of 《安全生产事故隐患排查治理暂行规定》 that the workflow enforces are in docs/hazards.md.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.accounts.models import Role
from safetymonth.accounts.permissions import Perm, can
from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.core.language import site_text
from safetymonth.hazards import permissions as hz_perms
from safetymonth.hazards.models import (
    PLAN_FIELDS,
    ExposureCase,
    ExposureStatus,
    FoundBy,
    Hazard,
    HazardCategory,
    HazardHistory,
    HazardLevel,
    HazardStatus,
)
from safetymonth.lib import personal_data

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.events.models import Event
    from safetymonth.evidence.models import Material
    from safetymonth.orgs.models import Org


class ConcurrentEdit(Exception):
    """The hazard changed since the form was loaded (its version moved on)."""

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(f"version {expected} != {current}")
        self.expected = expected
        self.current = current


PLAN_EDIT_FIELDS = ["measures", "responsible", "deadline", "funds", *(f for f, _label in PLAN_FIELDS)]


def _display(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _history(
    hazard: Hazard, actor: User | None, action: str, from_status: str, reason: str = "", changes: dict | None = None
) -> HazardHistory:
    authenticated = actor is not None and actor.is_authenticated
    return HazardHistory.objects.create(
        hazard=hazard,
        actor=actor if authenticated else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if authenticated and actor else "system",
        action=action,
        from_status=from_status,
        to_status=hazard.status,
        reason=reason,
        changes=changes or {},
    )


def _bump(hazard: Hazard, expected_version: int, **fields: Any) -> None:
    """Conditional UPDATE on the version (optimistic lock on SQLite and PostgreSQL)."""
    fields["updated_at"] = timezone.now()
    done = Hazard.objects.filter(pk=hazard.pk, version=expected_version).update(version=F("version") + 1, **fields)
    if not done:
        current = Hazard.objects.filter(pk=hazard.pk).values_list("version", flat=True).first() or 0
        raise ConcurrentEdit(expected_version, current)
    hazard.refresh_from_db()


def _audit(actor: User | None, hazard: Hazard, summary: str, changes: dict | None = None, action: str = "") -> None:
    log_event(
        actor,
        action or AuditEntry.Action.UPDATE,
        hazard,
        org=hazard.org,
        summary=summary,
        changes=changes or {},
        actor_name="" if actor is not None else "send_hazard_reminders",
    )


def _require_status(hazard: Hazard, *allowed: str) -> None:
    if hazard.status not in allowed:
        raise ValidationError(
            _("隐患状态为“%(status)s”，不能进行这一步。") % {"status": hazard.get_status_display()}, code="status"
        )


# ---------------------------------------------------------------------------------------------
# Notifications


def _supervisors(org: Org) -> list[User]:
    """Section staff of the sections above ``org`` (its supervising section) and the office staff of
    the authorities above it: who hears at once of a major hazard."""
    from safetymonth.accounts.models import User as UserModel

    ancestors = list(org.ancestors()) + [org]
    section_ids = [a.pk for a in ancestors if a.kind == "section" and a.pk != org.pk]
    office_ids = [a.pk for a in ancestors]
    users = UserModel.objects.filter(
        is_active=True, memberships__org_id__in=section_ids, memberships__role=Role.SECTION_STAFF
    )
    offices = UserModel.objects.filter(
        is_active=True, memberships__org_id__in=office_ids, memberships__role=Role.OFFICE
    )
    return list((users | offices).distinct())


def _notify_major(hazard: Hazard, actor: User | None) -> int:
    from safetymonth.reports.services import notify

    users = [u for u in _supervisors(hazard.org) if actor is None or u.pk != actor.pk]
    return notify(
        users,
        site_text(
            gettext_lazy("重大事故隐患：%(org)s 登记了重大隐患“%(text)s”，请及时督促治理。"),
            org=hazard.org.name,
            text=hazard.description[:40],
        ),
        reverse("hazards:detail", args=[hazard.public_id]),
    )


# ---------------------------------------------------------------------------------------------
# Workflow


@transaction.atomic
def register_hazard(
    actor: User,
    org: Org,
    *,
    found_by: str,
    found_on: dt.date,
    place: str,
    description: str,
    category: HazardCategory,
    level: str = HazardLevel.GENERAL,
    source_event: Event | None = None,
    source_ref: str = "",
    measures: str = "",
    responsible: str = "",
    deadline: dt.date | None = None,
    funds: Decimal | None = None,
) -> Hazard:
    """登记 a hazard found in ``org``. A tip-off (found_by 举报) is registered by a tip handler with
    ``source_ref``, an opaque reference to the tip — never the reporter's identity. A major hazard
    notifies the supervising section and the office at once (in-app and email)."""
    is_tip = found_by == FoundBy.TIP and can(actor, Perm.HANDLE_TIPS, org)
    if not (hz_perms.can_register(actor, org) or is_tip):
        raise PermissionDenied
    if org.kind not in ("enterprise", "section", "institution"):
        raise ValidationError({"org": _("隐患应登记在所在的企业、科室或事业单位。")})
    if found_on > timezone.localdate():
        raise ValidationError({"found_on": _("发现日期不能晚于今天。")})
    if deadline is not None and deadline < found_on:
        raise ValidationError({"deadline": _("整改期限不能早于发现日期。")})
    if source_event is not None and source_event.org_id != org.pk:
        raise ValidationError({"source_event": _("来源活动不是该单位的活动。")})
    hazard = Hazard.objects.create(
        org=org,
        found_by=found_by,
        found_on=found_on,
        found_by_user=actor,
        place=place.strip(),
        description=description.strip(),
        category=category,
        level=level,
        source_event=source_event if found_by == FoundBy.EVENT else None,
        source_ref=source_ref.strip() if found_by == FoundBy.TIP else "",
        measures=measures.strip(),
        responsible=responsible.strip(),
        deadline=deadline,
        funds=funds,
    )
    _history(hazard, actor, "register", "", changes={"level": level, "category": category.name})
    _audit(
        actor,
        hazard,
        _("登记隐患：%(org)s %(text)s") % {"org": org.name, "text": hazard.description[:40]},
        {"level": level, "found_by": found_by, "category": category.code},
        action=AuditEntry.Action.CREATE,
    )
    if hazard.is_major:
        _notify_major(hazard, actor)
    return hazard


@transaction.atomic
def set_plan(actor: User, hazard: Hazard, expected_version: int, **fields: Any) -> Hazard:
    """Measures, responsible person, deadline, funds and the six-part 治理方案 (only the fields
    given). The unit and its section; not after the rectification is recorded."""
    if not hz_perms.can_plan(actor, hazard):
        raise PermissionDenied
    _require_status(hazard, HazardStatus.REGISTERED, HazardStatus.RECTIFYING)
    unknown = set(fields) - set(PLAN_EDIT_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    if fields.get("deadline") is not None and fields["deadline"] < hazard.found_on:
        raise ValidationError({"deadline": _("整改期限不能早于发现日期。")})
    if fields.get("funds") is not None and fields["funds"] < 0:
        raise ValidationError({"funds": _("整改资金不能是负数。")})
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    changes = {k: [_display(getattr(hazard, k)), _display(v)] for k, v in clean.items() if getattr(hazard, k) != v}
    if not changes:
        return hazard
    if "deadline" in changes:
        clean["overdue_reminded_at"] = None  # a new deadline gets its own reminder
    _bump(hazard, expected_version, **clean)
    _history(hazard, actor, "plan", hazard.status, changes=changes)
    _audit(actor, hazard, _("修改隐患治理方案：%(text)s") % {"text": hazard.description[:40]}, changes)
    return hazard


@transaction.atomic
def start_rectification(actor: User, hazard: Hazard, expected_version: int) -> Hazard:
    """registered → rectifying. Needs measures and a deadline; a major hazard needs all six parts of
    its 治理方案 (16号令 Art. 15)."""
    if not hz_perms.can_rectify(actor, hazard):
        raise PermissionDenied
    _require_status(hazard, HazardStatus.REGISTERED)
    errors: dict[str, list[str]] = {}
    if not hazard.measures.strip():
        errors["measures"] = [_("开始整改前请填写整改措施。")]
    if hazard.deadline is None:
        errors["deadline"] = [_("开始整改前请确定整改期限。")]
    missing = hazard.missing_plan_parts() if hazard.is_major else []
    if missing:
        errors["__all__"] = [_("重大隐患须先制定治理方案，尚缺：%(parts)s。") % {"parts": "、".join(missing)}]
    if errors:
        raise ValidationError(errors)
    before = hazard.status
    _bump(hazard, expected_version, status=HazardStatus.RECTIFYING)
    _history(hazard, actor, "start", before)
    _audit(
        actor,
        hazard,
        _("开始整改隐患：%(text)s") % {"text": hazard.description[:40]},
        {"status": [before, hazard.status]},
    )
    return hazard


@transaction.atomic
def record_rectification(
    actor: User, hazard: Hazard, expected_version: int, *, rectified_on: dt.date, note: str
) -> Hazard:
    """rectifying → awaiting verification: what was done and when (photos after go through the
    evidence upload on the hazard's page)."""
    if not hz_perms.can_rectify(actor, hazard):
        raise PermissionDenied
    _require_status(hazard, HazardStatus.RECTIFYING)
    if rectified_on > timezone.localdate():
        raise ValidationError({"rectified_on": _("完成日期不能晚于今天。")})
    if rectified_on < hazard.found_on:
        raise ValidationError({"rectified_on": _("完成日期不能早于发现日期。")})
    if not note.strip():
        raise ValidationError({"note": _("请说明整改情况。")})
    before = hazard.status
    _bump(
        hazard,
        expected_version,
        status=HazardStatus.AWAITING,
        rectified_on=rectified_on,
        rectified_by=actor,
        rectification_note=note.strip(),
    )
    changes = {"status": [before, hazard.status], "rectified_on": rectified_on.isoformat()}
    _history(hazard, actor, "rectify", before, changes=changes)
    _audit(actor, hazard, _("隐患整改完成，申请验收：%(text)s") % {"text": hazard.description[:40]}, changes)
    return hazard


@transaction.atomic
def verify_hazard(actor: User, hazard: Hazard, expected_version: int, *, passed: bool, reason: str = "") -> Hazard:
    """验收: passed → closed (销号); failed → back to rectifying with the reason. Whoever recorded
    the rectification never verifies it (separation of duties, checked here so a crafted POST
    fails too)."""
    if not hz_perms.can_verify(actor, hazard):
        raise PermissionDenied
    _require_status(hazard, HazardStatus.AWAITING)
    if hazard.rectified_by_id == actor.pk:
        raise ValidationError(_("整改由您登记，不能由您本人验收；请由其他人员验收。"), code="own_rectification")
    before = hazard.status
    if passed:
        _bump(
            hazard,
            expected_version,
            status=HazardStatus.CLOSED,
            verified_on=timezone.localdate(),
            verified_by=actor,
            closed_at=timezone.now(),
        )
        action, summary = "close", _("隐患验收通过，销号：%(text)s")
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("验收不通过时请写明原因。")})
        _bump(hazard, expected_version, status=HazardStatus.RECTIFYING, rectified_on=None, rectified_by=None)
        action, summary = "reject", _("隐患验收不通过，退回整改：%(text)s")
    changes = {"status": [before, hazard.status]}
    _history(hazard, actor, action, before, reason=reason.strip(), changes=changes)
    _audit(actor, hazard, summary % {"text": hazard.description[:40]}, {**changes, "reason": reason.strip()})
    if not passed:
        from safetymonth.reports.services import notify_org

        notify_org(
            hazard.org,
            site_text(
                gettext_lazy("隐患“%(text)s”验收不通过，请继续整改：%(reason)s"),
                text=hazard.description[:40],
                reason=reason.strip()[:100],
            ),
            reverse("hazards:detail", args=[hazard.public_id]),
        )
    return hazard


@transaction.atomic
def supervise_hazard(actor: User, hazard: Hazard, *, supervised: bool, reason: str = "") -> Hazard:
    """挂牌督办 (or lift it): the office, on major hazards only."""
    if not hz_perms.can_supervise(actor, hazard):
        raise PermissionDenied
    if not hazard.is_major:
        raise ValidationError(_("只有重大隐患可以挂牌督办。"), code="not_major")
    if hazard.supervised == supervised:
        return hazard
    Hazard.objects.filter(pk=hazard.pk).update(supervised=supervised, updated_at=timezone.now())
    hazard.supervised = supervised
    changes = {"supervised": [not supervised, supervised]}
    _history(
        hazard,
        actor,
        "supervise" if supervised else "unsupervise",
        hazard.status,
        reason=reason.strip(),
        changes=changes,
    )
    text = _("挂牌督办：%(text)s") if supervised else _("解除挂牌督办：%(text)s")
    _audit(actor, hazard, text % {"text": hazard.description[:40]}, changes)
    if supervised:
        from safetymonth.reports.services import notify_org

        notify_org(
            hazard.org,
            site_text(gettext_lazy("重大隐患“%(text)s”已被挂牌督办，请按期完成治理。"), text=hazard.description[:40]),
            reverse("hazards:detail", args=[hazard.public_id]),
        )
    return hazard


def send_hazard_reminders(now: dt.datetime | None = None) -> int:
    """Remind each overdue hazard's org once (per deadline: a new deadline re-arms it). The
    conditional UPDATE claims the hazard first, so concurrent runs never remind twice."""
    from safetymonth.reports.services import notify_org

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for hazard in (
        Hazard.objects.overdue(today).filter(overdue_reminded_at__isnull=True).select_related("org").iterator()
    ):
        with transaction.atomic():
            if not Hazard.objects.filter(pk=hazard.pk, overdue_reminded_at__isnull=True).update(
                overdue_reminded_at=now
            ):
                continue
            n = notify_org(
                hazard.org,
                site_text(
                    gettext_lazy("逾期：隐患“%(text)s”的整改期限 %(deadline)s 已过，尚未销号，请尽快整改。"),
                    text=hazard.description[:40],
                    deadline=hazard.deadline.isoformat() if hazard.deadline else "",
                ),
                reverse("hazards:detail", args=[hazard.public_id]),
            )
            _history(hazard, None, "overdue", hazard.status, changes={"recipients": n})
            _audit(None, hazard, _("隐患逾期提醒：%(text)s") % {"text": hazard.description[:40]}, {"recipients": n})
        sent += 1
    return sent


# ---------------------------------------------------------------------------------------------
# Exposure (曝光)


def text_warnings(text: str) -> list[str]:
    """Plain-words warnings for personal data found in a public text."""
    labels = {
        personal_data.PHONE: _("电话号码"),
        personal_data.ID_NUMBER: _("身份证号"),
        personal_data.NAME: _("人名"),
    }
    return [
        _("第 %(line)s 行可能含有%(kind)s：“%(found)s”") % {"line": f.line, "kind": labels[f.kind], "found": f.text}
        for f in personal_data.find(text)
    ]


def _require_expose(actor: User, org: Org) -> None:
    if not can(actor, Perm.PUBLISH_EXPOSURE, org):
        raise PermissionDenied


def _photos_of(case_org: Org, hazard: Hazard | None, photos: list[Material]) -> list[Material]:
    """Only the hazard's own photos that have a stripped copy (EXIF/GPS removed) may go public."""
    for m in photos:
        if hazard is None or m.hazard_id != hazard.pk or m.kind != "image" or not m.served_file:
            raise ValidationError({"photos": _("只能选择该隐患已去除位置信息的照片。")})
    return photos


@transaction.atomic
def create_case(actor: User, org: Org, *, title: str, public_text: str, hazard: Hazard | None = None) -> ExposureCase:
    """A draft exposure case, from a hazard (its org) or written by the office for an org."""
    _require_expose(actor, org)
    if hazard is not None and hazard.org_id != org.pk:
        raise ValidationError({"hazard": _("隐患不属于该单位。")})
    case = ExposureCase.objects.create(
        org=org, hazard=hazard, title=title.strip(), public_text=public_text.strip(), created_by=actor
    )
    log_event(
        actor, AuditEntry.Action.CREATE, case, org=org, summary=_("新建曝光案例：%(title)s") % {"title": case.title}
    )
    return case


@transaction.atomic
def update_case(
    actor: User, case: ExposureCase, expected_version: int, *, title: str, public_text: str, photos: list[Material]
) -> ExposureCase:
    _require_expose(actor, case.org)
    photos = _photos_of(case.org, case.hazard, photos)
    done = ExposureCase.objects.filter(pk=case.pk, version=expected_version).update(
        title=title.strip(), public_text=public_text.strip(), version=F("version") + 1, updated_at=timezone.now()
    )
    if not done:
        raise ConcurrentEdit(
            expected_version, ExposureCase.objects.filter(pk=case.pk).values_list("version", flat=True).first() or 0
        )
    case.refresh_from_db()
    case.photos.set(photos)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        case,
        org=case.org,
        summary=_("修改曝光案例：%(title)s") % {"title": case.title},
        changes={"photos": [m.public_id for m in photos]},
    )
    return case


@transaction.atomic
def publish_case(actor: User, case: ExposureCase, *, at: dt.datetime | None = None) -> ExposureCase:
    """Publish at /exposure/ (``at``: the publication time, for records entered afterwards; now by
    default). Refused while the text holds a phone or ID number (names are warned
    about on the page: the detector cannot tell every name from an ordinary word)."""
    _require_expose(actor, case.org)
    hard = [f for f in personal_data.find(f"{case.title}\n{case.public_text}") if f.kind != personal_data.NAME]
    if hard:
        raise ValidationError(
            {
                "public_text": _("公开内容含有电话号码或身份证号（%(found)s），请删除后再发布。")
                % {"found": hard[0].text}
            }
        )
    ExposureCase.objects.filter(pk=case.pk).update(
        status=ExposureStatus.PUBLISHED, published_at=at or timezone.now(), withdrawn_at=None, updated_at=timezone.now()
    )
    case.refresh_from_db()
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        case,
        org=case.org,
        summary=_("发布曝光案例：%(title)s") % {"title": case.title},
    )
    return case


@transaction.atomic
def withdraw_case(actor: User, case: ExposureCase) -> ExposureCase:
    """Withdraw: the public pages and photos answer 404 from the next request."""
    _require_expose(actor, case.org)
    if case.status != ExposureStatus.PUBLISHED:
        raise ValidationError(_("案例未发布，无需撤回。"), code="status")
    ExposureCase.objects.filter(pk=case.pk).update(
        status=ExposureStatus.WITHDRAWN, withdrawn_at=timezone.now(), updated_at=timezone.now()
    )
    case.refresh_from_db()
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        case,
        org=case.org,
        summary=_("撤回曝光案例：%(title)s") % {"title": case.title},
    )
    return case
