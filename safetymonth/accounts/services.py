"""Workflows on accounts: the office creates users, grants and removes roles, resets passwords,
unlocks and deactivates accounts, always inside its own subtree. Each function is atomic and writes
one audit entry; passwords never reach the log.

Scope rules, enforced here whatever the view does:
- the acting user needs ``Perm.MANAGE_USERS`` on every org it touches (else ``PermissionDenied``);
- a user can only be managed if all of its memberships lie inside the actor's scope
  (``User.objects.for_user``), and never if it is a superuser or staff account;
- a role must fit the kind of org it is held on (``ROLE_ORG_KINDS``).
"""

from __future__ import annotations

import secrets
import time
from binascii import unhexlify
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import Membership, Role, User, role_fits_org_kind, role_kind_message
from safetymonth.accounts.permissions import Perm
from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import diff_fields, log_event
from safetymonth.core import ratelimit
from safetymonth.lib import phone as phones
from safetymonth.lib.passwords import character_classes
from safetymonth.orgs.models import Org

PROFILE_FIELDS = ["full_name", "phone", "email"]

# Generated passwords: no look-alike characters (0/O, 1/l/I), so they can be read out on the phone.
_GENERATED_ALPHABET = {
    "lower": "abcdefghjkmnpqrstuvwxyz",
    "upper": "ABCDEFGHJKLMNPQRSTUVWXYZ",
    "digit": "23456789",
    "symbol": "@#%+=?",
}


def generate_password(length: int = 14) -> str:
    """A random password that passes the password rules (every character class present)."""
    alphabet = "".join(_GENERATED_ALPHABET.values())
    while True:
        password = "".join(secrets.choice(alphabet) for _pos in range(length))
        if character_classes(password) == 4:
            return password


def _membership_label(org: Org, role: str) -> str:
    return f"{org.name} · {Role(role).label}"


def _require_org(actor: User, org: Org) -> None:
    if not perms.can(actor, Perm.MANAGE_USERS, org):
        raise PermissionDenied(_("您无权管理该单位的用户。"))


def _require_user(actor: User, target: User) -> None:
    """The target must lie wholly inside the actor's scope and must not be an administrator."""
    if target.is_superuser or target.is_staff:
        raise PermissionDenied(_("系统管理员账号不能在这里管理。"))
    if not User.objects.for_user(actor, Perm.MANAGE_USERS).filter(pk=target.pk).exists():
        raise PermissionDenied(_("您无权管理该用户。"))


def _check_role(org: Org, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("请选择有效的角色。")})
    if not role_fits_org_kind(role, org.kind):
        raise ValidationError({"role": role_kind_message(role)})


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _clean_phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if not phones.is_valid(value):
        raise ValidationError({"phone": _("请填写有效的手机号或带区号的固定电话，例如 13800138000 或 023-68083116。")})
    return phones.normalise(value)


@transaction.atomic
def create_user(
    actor: User,
    *,
    username: str,
    full_name: str,
    org: Org,
    role: str,
    password: str | None = None,
    phone: str = "",
    email: str = "",
) -> tuple[User, str]:
    """A new account with its first membership. Without ``password`` one is generated.

    Returns the user and its initial password (to be shown once). The user must change it at the
    first login."""
    _require_org(actor, org)
    _check_role(org, role)
    username = username.strip()
    if User.objects.with_username(username).exists():
        raise ValidationError({"username": _("该用户名已被使用，请换一个。")})
    user = User(
        username=username,
        full_name=full_name.strip(),
        phone=_clean_phone(phone),
        email=(email or "").strip(),
        must_change_password=True,
    )
    generated = password is None
    initial = generate_password() if password is None else password
    _check_password(initial, user)
    user.set_password(initial)
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership(user=user, org=org, role=role)
    membership.full_clean()
    membership.save()
    log_event(
        actor,
        AuditEntry.Action.CREATE,
        user,
        org=org,
        summary=_("新建用户"),
        changes={
            "username": [None, user.username],
            "full_name": [None, user.full_name],
            "phone": [None, user.phone],
            "email": [None, user.email],
            "membership": [None, _membership_label(org, role)],
            "password": _("系统生成") if generated else _("办公室设定"),
        },
    )
    return user, initial


@transaction.atomic
def update_user(actor: User, target: User, *, full_name: str, phone: str = "", email: str = "") -> User:
    _require_user(actor, target)
    before = {name: getattr(target, name) for name in PROFILE_FIELDS}
    target.full_name = full_name.strip()
    target.phone = _clean_phone(phone)
    target.email = (email or "").strip()
    target.full_clean(exclude=["password"])
    changed = diff_fields(target, before, PROFILE_FIELDS)
    if changed:
        target.save(update_fields=PROFILE_FIELDS)
        log_event(actor, AuditEntry.Action.UPDATE, target, org=_home_org(target), changes=changed)
    return target


@transaction.atomic
def add_membership(actor: User, target: User, *, org: Org, role: str) -> Membership:
    _require_user(actor, target)
    _require_org(actor, org)
    _check_role(org, role)
    if Membership.objects.filter(user=target, org=org, role=role).exists():
        raise ValidationError({"role": _("该用户在这个单位已经是这个角色。")})
    membership = Membership(user=target, org=org, role=role)
    membership.full_clean()
    membership.save()
    perms.forget(target)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        target,
        org=org,
        summary=_("添加角色"),
        changes={"membership": [None, _membership_label(org, role)]},
    )
    return membership


@transaction.atomic
def remove_membership(actor: User, target: User, *, org: Org, role: str) -> None:
    _require_user(actor, target)
    _require_org(actor, org)
    if target.pk == actor.pk:
        raise ValidationError(_("不能删除自己的角色，请让其他办公室人员操作。"))
    membership = Membership.objects.filter(user=target, org=org, role=role).first()
    if membership is None:
        raise ValidationError(_("该用户没有这个角色。"))
    if Membership.objects.filter(user=target).count() == 1:
        raise ValidationError(_("这是该用户唯一的角色，不能删除；不再使用的账号请停用。"))
    membership.delete()
    perms.forget(target)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        target,
        org=org,
        summary=_("删除角色"),
        changes={"membership": [_membership_label(org, role), None]},
    )


@transaction.atomic
def reset_password(actor: User, target: User, password: str | None = None) -> str:
    """Give ``target`` a new password (generated when none is given) that it must change at the
    next login. Signs the target out everywhere (its session hash no longer matches) and lifts a
    lock-out. Returns the new password, to be shown once."""
    _require_user(actor, target)
    if target.pk == actor.pk:
        raise ValidationError(_("不能重置自己的密码，请使用“修改密码”。"))
    generated = password is None
    new = generate_password() if password is None else password
    _check_password(new, target)
    target.set_password(new)
    target.must_change_password = True
    target.save(update_fields=["password", "must_change_password"])
    axes_reset(username=target.username)
    log_event(
        actor,
        AuditEntry.Action.PASSWORD,
        target,
        org=_home_org(target),
        summary=_("重置密码"),
        changes={
            "password": _("系统生成") if generated else _("办公室设定"),
            "must_change_password": [None, str(True)],
        },
    )
    return new


@transaction.atomic
def set_user_active(actor: User, target: User, active: bool) -> User:
    _require_user(actor, target)
    if target.pk == actor.pk:
        raise ValidationError(_("不能停用或启用自己的账号。"))
    if target.is_active == active:
        return target
    before = {"is_active": target.is_active}
    target.is_active = active
    target.save(update_fields=["is_active"])
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        target,
        org=_home_org(target),
        summary=_("启用账号") if active else _("停用账号"),
        changes=diff_fields(target, before, ["is_active"]),
    )
    return target


def is_locked_out(target: User) -> bool:
    """Whether the user is locked out from at least one address right now."""
    return _lockout_attempts(target).exists()


def _lockout_attempts(target: User):
    qs = AccessAttempt.objects.filter(username=target.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if isinstance(cooloff, timedelta):
        qs = qs.filter(attempt_time__gte=timezone.now() - cooloff)
    return qs


@transaction.atomic
def unlock_user(actor: User, target: User) -> int:
    """Lift the target's lock-out (all addresses). Returns how many failure records were removed."""
    _require_user(actor, target)
    removed = axes_reset(username=target.username)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        target,
        org=_home_org(target),
        summary=_("解除登录锁定"),
        changes={"failure_records_removed": removed},
    )
    return removed


@transaction.atomic
def change_password(user: User, new_password: str) -> User:
    """The user sets its own password (the old one already checked by the form)."""
    _check_password(new_password, user)
    user.set_password(new_password)
    changes: dict[str, Any] = {}
    if user.must_change_password:
        changes["must_change_password"] = [str(True), str(False)]
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    log_event(user, AuditEntry.Action.PASSWORD, user, summary=_("修改密码"), changes=changes)
    return user


def _home_org(user: User) -> Org | None:
    membership = user.memberships.select_related("org").order_by("org__path").first()
    return membership.org if membership else None


# --- sign-in limits and the second factor (docs/security.md) -------------------------------------


def login_rate_exceeded(address: str | None) -> bool:
    """Count one sign-in attempt (password or code) from ``address``; True once more than
    LOGIN_RATE_LIMIT were made in the window. Cheap: checked before any password hashing. The first
    refusal of a window is audited (not every one: a flood must not flood the log)."""
    limit = settings.LOGIN_RATE_LIMIT
    if limit <= 0:
        return False
    count = ratelimit.count_attempt(f"login:{address or '-'}", settings.LOGIN_RATE_WINDOW_SECONDS)
    if count == limit + 1:
        log_event(None, AuditEntry.Action.LOCKED_OUT, None, summary=_("登录尝试过于频繁（按来源地址限制）"))
    return count > limit


def second_factor_required(user: User) -> bool:
    """Whether one of the user's roles must sign in with a second factor (OTP_REQUIRED_ROLES)."""
    required = set(settings.OTP_REQUIRED_ROLES)
    return bool(required) and bool(required & perms.roles(user))


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def new_totp_key() -> str:
    """A fresh TOTP secret (hex, 20 random bytes), kept in the session until enrolment is confirmed."""
    return random_hex(20)


def totp_uri(user: User, key_hex: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key_hex, name="totp").config_url


def _totp_step(key_hex: str, token: str) -> int | None:
    """The time step at which ``token`` is valid for ``key_hex`` (± one step), else None."""
    if not token.isascii() or not token.isdigit():
        return None
    totp = TOTP(unhexlify(key_hex.encode()), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if totp.verify(int(token), tolerance=1):
        return totp.t()
    return None


def _failures_key(user: User) -> str:
    return f"otp-fail:{user.pk}"


def second_factor_blocked(user: User) -> bool:
    """Whether the user has typed OTP_FAILURE_LIMIT wrong codes within the lock-out time."""
    return ratelimit.attempts(_failures_key(user)) >= settings.OTP_FAILURE_LIMIT


def _count_wrong_code(user: User, summary: str) -> None:
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    failures = ratelimit.count_attempt(_failures_key(user), window)
    log_event(
        None,
        AuditEntry.Action.LOGIN_FAILED,
        user,
        actor_name=user.username,
        org=_home_org(user),
        summary=summary,
        changes={"failures": failures},
    )


def enrol_second_factor(user: User, key_hex: str, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the user's authenticator app with a code it shows, and make ten single-use recovery
    codes (returned to be shown once). A wrong code is audited and raises ValidationError."""
    step = _totp_step(key_hex, token.strip())
    if step is None:
        _count_wrong_code(user, _("启用双因素认证时动态口令错误"))
        raise ValidationError({"token": _("动态口令不正确，请输入认证器上当前显示的 6 位数字。")})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="totp", key=key_hex, confirmed=True, last_t=step)
        recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        codes = [StaticToken.random_token() for _i in range(settings.RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
        log_event(
            user,
            AuditEntry.Action.UPDATE,
            user,
            summary=_("启用双因素认证"),
            changes={"second_factor": [None, "totp"], "recovery_codes": len(codes)},
        )
    return device, codes


def verify_second_factor(user: User, token: str) -> Device | None:
    """The device that accepts ``token`` (the app's current code, or an unused recovery code, which
    is then used up), else None. Wrong codes are audited and counted (second_factor_blocked)."""
    token = token.strip().replace(" ", "").lower()
    device: Device | None = None
    with transaction.atomic():
        if token.isascii() and token.isdigit():
            device = next(
                (d for d in TOTPDevice.objects.filter(user=user, confirmed=True) if d.verify_token(token)), None
            )
        elif token.isascii() and token.isalnum():
            device = next(
                (d for d in StaticDevice.objects.filter(user=user, confirmed=True) if d.verify_token(token)), None
            )
            if device is not None:
                left = StaticToken.objects.filter(device=device).count()
                log_event(
                    user,
                    AuditEntry.Action.LOGIN,
                    user,
                    summary=_("使用恢复码登录（还剩 %(n)d 个）") % {"n": left},
                    changes={"recovery_codes_left": left},
                )
    if device is None:
        _count_wrong_code(user, _("登录时动态口令错误"))
    else:
        ratelimit.forget(_failures_key(user))
    return device


@transaction.atomic
def reset_second_factor(actor: User, target: User) -> int:
    """The office removes a user's authenticator and recovery codes (a lost phone); the user enrols
    again at the next sign-in. Returns how many devices were removed."""
    _require_user(actor, target)
    if target.pk == actor.pk:
        raise ValidationError(_("不能重置自己的双因素认证，请联系本单位的另一位活动办公室人员。"))
    removed = TOTPDevice.objects.filter(user=target).delete()[0]
    removed += StaticDevice.objects.filter(user=target).delete()[0]
    ratelimit.forget(_failures_key(target))
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        target,
        org=_home_org(target),
        summary=_("重置双因素认证"),
        changes={"second_factor": ["totp", None], "devices_removed": removed},
    )
    return removed
