"""Workflows on a material once it exists: review, good practice, edit, delete.

Each is one atomic function that checks the rule (evidence/permissions_review.py), locks the row,
writes, audits (``log_event``) and notifies the uploader org's staff (the in-app notifications and
mail of reports.services.notify_org). Files leave storage only after the deleting transaction
commits, so a rolled-back delete never loses a file.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import diff_fields, log_event
from safetymonth.core.language import site_text
from safetymonth.evidence import permissions_review as rules
from safetymonth.evidence.models import Material, ReviewState

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from safetymonth.accounts.models import User
    from safetymonth.campaigns.models import Campaign
    from safetymonth.orgs.models import Org

ACCEPT = "accept"
REJECT = "reject"
PENDING = "pending"
ACTIONS = {ACCEPT: ReviewState.ACCEPTED, REJECT: ReviewState.REJECTED, PENDING: ReviewState.PENDING}

_REVIEW_FIELDS = ["review_state", "review_reason", "reviewed_by_id", "reviewed_at", "is_good_practice"]


def _locked(material: Material) -> Material:
    return (
        Material.objects.select_for_update(of=("self",))
        .select_related("org", "org__parent", "campaign")
        .get(pk=material.pk)
    )


def _snapshot(material: Material, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(material, name) for name in fields}


def _notify(material: Material, text: str) -> None:
    from safetymonth.reports.services import notify_org

    notify_org(material.org, text, reverse("evidence:detail", args=[material.public_id]))


def _copy(source: Material, target: Material) -> None:
    """Bring the caller's object up to date with the saved row."""
    for name in [*_REVIEW_FIELDS, "title", "description"]:
        setattr(target, name, getattr(source, name))


@transaction.atomic
def review_material(
    actor: User, material: Material, action: str, reason: str = "", *, good_practice: bool | None = None
) -> Material:
    """Accept, reject (a reason is required) or put back to pending. Rejecting or putting back
    clears good practice; accepting may mark it in the same step."""
    if action not in ACTIONS:
        raise ValidationError({"action": _("请选择审核结果。")})
    reason = (reason or "").strip()
    if action == REJECT and not reason:
        raise ValidationError({"reason": _("不采纳时请填写原因。")})
    locked = _locked(material)
    if not rules.can_review(actor, locked):
        raise PermissionDenied
    before = _snapshot(locked, _REVIEW_FIELDS)
    locked.review_state = ACTIONS[action]
    if action == PENDING:
        locked.review_reason = ""
        locked.reviewed_by = None
        locked.reviewed_at = None
        locked.is_good_practice = False
    else:
        locked.review_reason = reason
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        if action == REJECT:
            locked.is_good_practice = False
        elif good_practice is not None:
            locked.is_good_practice = good_practice
    locked.save(update_fields=["review_state", "review_reason", "reviewed_by", "reviewed_at", "is_good_practice"])
    changes = diff_fields(locked, before, _REVIEW_FIELDS)
    summaries = {
        ACCEPT: _("采纳佐证材料“%(title)s”"),
        REJECT: _("不采纳佐证材料“%(title)s”：%(reason)s"),
        PENDING: _("佐证材料“%(title)s”改回待审核"),
    }
    summary = summaries[action] % {"title": locked.title, "reason": reason}
    log_event(actor, AuditEntry.Action.UPDATE, locked, org=locked.org, summary=summary, changes=changes)
    notices = {
        ACCEPT: gettext_lazy("佐证材料“%(title)s”已被采纳。"),
        REJECT: gettext_lazy("佐证材料“%(title)s”未被采纳：%(reason)s"),
        PENDING: gettext_lazy("佐证材料“%(title)s”已改回待审核。"),
    }
    if changes:
        _notify(locked, site_text(notices[action], title=locked.title, reason=reason))
    _copy(locked, material)
    return material


@transaction.atomic
def set_good_practice(actor: User, material: Material, flag: bool) -> Material:
    """Mark (or unmark) an accepted material as good practice (好的做法) to feature it."""
    locked = _locked(material)
    if not rules.can_review(actor, locked):
        raise PermissionDenied
    if flag and locked.review_state != ReviewState.ACCEPTED:
        raise ValidationError(_("只有已采纳的材料可以标记为好的做法。"))
    if locked.is_good_practice != flag:
        before = _snapshot(locked, ["is_good_practice"])
        locked.is_good_practice = flag
        locked.save(update_fields=["is_good_practice"])
        summary = (_("标记好的做法：%(title)s") if flag else _("取消好的做法：%(title)s")) % {"title": locked.title}
        log_event(
            actor,
            AuditEntry.Action.UPDATE,
            locked,
            org=locked.org,
            summary=summary,
            changes=diff_fields(locked, before, ["is_good_practice"]),
        )
        if flag:
            _notify(locked, site_text(gettext_lazy("佐证材料“%(title)s”被评为好的做法。"), title=locked.title))
    _copy(locked, material)
    return material


@transaction.atomic
def update_material(actor: User, material: Material, *, title: str, description: str) -> Material:
    """Change title and description (uploader org's staff while pending, or a reviewer)."""
    locked = _locked(material)
    if not rules.can_edit(actor, locked):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写标题。")})
    before = _snapshot(locked, ["title", "description"])
    locked.title = title[:200]
    locked.description = (description or "").strip()
    changes = diff_fields(locked, before, ["title", "description"])
    if changes:
        locked.save(update_fields=["title", "description"])
        log_event(
            actor,
            AuditEntry.Action.UPDATE,
            locked,
            org=locked.org,
            summary=_("修改佐证材料“%(title)s”") % {"title": locked.title},
            changes=changes,
        )
    _copy(locked, material)
    return material


def _delete_files(names: list[str]) -> None:
    for name in names:
        # already gone, or the store refused: verify_storage reports orphans
        with contextlib.suppress(OSError):
            default_storage.delete(name)


@transaction.atomic
def delete_material(actor: User, material: Material) -> None:
    """Delete a material that is not accepted (uploader org's staff). The stored files (original,
    served copy, thumbnail) are removed once the transaction has committed."""
    locked = _locked(material)
    if not rules.can_delete(actor, locked):
        raise PermissionDenied
    names = [f.name for f in (locked.file, locked.served_file, locked.thumbnail) if f and f.name]
    log_event(
        actor,
        AuditEntry.Action.DELETE,
        locked,
        org=locked.org,
        summary=_("删除佐证材料“%(title)s”") % {"title": locked.title},
        changes={"files": names, "sha256": locked.sha256, "size": locked.size},
    )
    locked.delete()
    transaction.on_commit(lambda: _delete_files(names))


def inspection_package(
    actor: User, org: Org, *, campaign: Campaign | None = None, item: str = ""
) -> tuple[QuerySet[Material], bool]:
    """The materials of an inspection package of ``org``'s subtree (optionally one campaign, one
    item) as the actor may see them, and whether it holds the originals (reviewers of that org) or
    the served copies. The download is audited here, before the first byte is sent."""
    qs = Material.objects.for_user(actor).filter(org__path__startswith=org.path)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if item:
        qs = qs.filter(item__code=item)
    originals = rules.package_originals(actor, org)
    count = qs.count()
    log_event(
        actor,
        AuditEntry.Action.EXPORT,
        org,
        org=org,
        summary=_("下载检查资料包：%(org)s（%(count)s份材料）") % {"org": org.name, "count": count},
        changes={
            "materials": count,
            "originals": originals,
            "campaign": campaign.public_id if campaign else "",
            "item": item,
        },
    )
    return qs, originals
