"""Logins, logouts, failed logins and lock-outs go into the audit log."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    log_event(user, AuditEntry.Action.LOGIN, user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        log_event(user, AuditEntry.Action.LOGOUT, user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).first()
    log_event(None, AuditEntry.Action.LOGIN_FAILED, known, actor_name=username, org=_home(known), summary=username)


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    username = str(username or "")[:150]
    known = get_user_model().objects.filter(username=username).first()
    log_event(None, AuditEntry.Action.LOCKED_OUT, known, actor_name=username, org=_home(known), summary=username)


def _home(user):
    if user is None:
        return None
    from safetymonth.accounts.permissions import home_orgs

    orgs = home_orgs(user)
    return orgs[0] if orgs else None
