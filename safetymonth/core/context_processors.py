"""Navigation entries shown to the user, by what the user's roles allow."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.permissions import Perm

# (url name, label, permission needed; None: every signed-in user)
NAV = [
    ("core:home", _("首页"), None),
    ("orgs:list", _("单位"), Perm.VIEW_ORGS),
    ("campaigns:list", _("活动"), Perm.VIEW_ORGS),
    ("reports:list", _("填报"), Perm.VIEW_REPORTS),
    ("dashboard:index", _("看板"), Perm.VIEW_DASHBOARD),
    ("evidence:gallery", _("佐证材料"), Perm.VIEW_EVIDENCE),
    ("evidence:upload", _("上传材料"), Perm.UPLOAD_EVIDENCE),
    ("events:list", _("活动记录"), Perm.VIEW_EVENTS),
    ("hazards:list", _("隐患台账"), Perm.VIEW_HAZARDS),
    ("tipoffs:list", _("举报"), Perm.HANDLE_TIPS),
    ("accounts:user_list", _("用户"), Perm.MANAGE_USERS),
    ("audit:list", _("审计日志"), Perm.VIEW_AUDIT),
]


def _active(name: str, current: str) -> bool:
    """The entry of the page's app is active. Where an app has several entries (佐证材料 and
    上传材料), the one naming the page is; on the app's other pages the first of them is."""
    if current == name:
        return True
    namespace = name.split(":")[0]
    if current.split(":")[0] != namespace:
        return False
    same_app = [n for n, _label, _perm in NAV if n.split(":")[0] == namespace]
    return current not in same_app and same_app[0] == name


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = getattr(request.resolver_match, "view_name", "") if request.resolver_match else ""
    items = []
    for name, label, perm in NAV:
        if perm is None or perms.can(user, perm):
            url = reverse(name)
            items.append({"url": url, "label": label, "active": _active(name, current)})
    return {
        "nav_items": items,
        "user_roles": sorted(perms.roles(user)),
        "user_home_orgs": perms.home_orgs(user),
        "unread_notifications": _unread(user),
    }


def _unread(user) -> int:
    """Unread in-app notifications, for the badge in the navigation bar (one indexed count)."""
    from safetymonth.reports.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()
