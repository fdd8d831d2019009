"""Who may fill, review, see and chase which report (the one authorisation layer for reports).

- Fill: staff (section or enterprise) of the report's own org.
- Review (return, approve): an enterprise's report by the staff of its supervising section; a
  section's, institution's or authority's report by the office (office role whose scope holds the
  org, or office role on the round's ``report_to`` org). Nobody reviews their own org's report and
  enterprises never review.
- Reopen an approved report: the office only (same rule as review for non-enterprises, and for
  enterprises the office whose scope holds the enterprise).
- View: anyone holding view, fill or review in a scope holding the report's org.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from safetymonth.accounts.models import Role
from safetymonth.accounts.permissions import ROLE_PERMS, Perm, _memberships
from safetymonth.orgs.models import OrgKind, under_paths_q
from safetymonth.reports.models import Report

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.orgs.models import Org


def _own_org_ids(user: User) -> set[int]:
    return {org.pk for _role, _path, org in _memberships(user)}


def can_fill(user: User, report: Report) -> bool:
    return any(
        org.pk == report.org_id and Perm.FILL_REPORT in ROLE_PERMS.get(role, ())
        for role, _path, org in _memberships(user)
    )


def _office_over(user: User, report: Report) -> bool:
    report_to_id = report.round.report_to_id
    for role, path, org in _memberships(user):
        if role != Role.OFFICE:
            continue
        if report.org.path.startswith(path) or (report_to_id is not None and org.pk == report_to_id):
            return True
    return False


def can_review(user: User, report: Report) -> bool:
    """Return or approve ``report`` (not its own org's; enterprises never)."""
    if report.org_id in _own_org_ids(user):
        return False
    org = report.org
    if org.kind == OrgKind.ENTERPRISE:
        return any(
            role == Role.SECTION_STAFF and parent.pk == org.parent_id for role, _path, parent in _memberships(user)
        )
    return _office_over(user, report)


def fillable_q(user: User) -> Q:
    """``can_fill`` as a filter on reports, for lists and counts that must not check row by row."""
    orgs = [org.pk for role, _path, org in _memberships(user) if Perm.FILL_REPORT in ROLE_PERMS.get(role, ())]
    return Q(org_id__in=orgs) if orgs else Q(pk__in=[])


def reviewable_q(user: User) -> Q:
    """``can_review`` as a filter on reports (the same rule, in SQL)."""
    memberships = _memberships(user)
    sections = [org.pk for role, _path, org in memberships if role == Role.SECTION_STAFF]
    office_paths = [path for role, path, _org in memberships if role == Role.OFFICE]
    office_orgs = [org.pk for role, _path, org in memberships if role == Role.OFFICE]
    if not sections and not office_paths:
        return Q(pk__in=[])
    enterprises = Q(org__kind=OrgKind.ENTERPRISE, org__parent_id__in=sections) if sections else Q(pk__in=[])
    office = Q(pk__in=[])
    if office_paths:
        office = under_paths_q(office_paths, "org__path") | Q(round__report_to_id__in=office_orgs)
    return (enterprises | (~Q(org__kind=OrgKind.ENTERPRISE) & office)) & ~Q(org_id__in=sorted(_own_org_ids(user)))


def can_reopen(user: User, report: Report) -> bool:
    if report.org_id in _own_org_ids(user):
        return False
    return _office_over(user, report)


def can_chase(user: User, org: Org) -> bool:
    """催报 an org: chase holders whose scope holds it, not for their own org."""
    if org.pk in _own_org_ids(user):
        return False
    return any(
        org.path.startswith(path)
        for role, path, _o in _memberships(user)
        if Perm.CHASE_REPORTS in ROLE_PERMS.get(role, ())
    )


def get_report_for_user(user: User, public_id: str) -> Report:
    """The report if the user can see it (else 404)."""
    report = (
        Report.objects.for_user(user)
        .select_related("org", "org__parent", "round", "round__campaign", "round__form", "round__report_to")
        .filter(public_id=public_id)
        .first()
    )
    if report is None:
        raise Http404
    return report


def require_fill(user: User, report: Report) -> None:
    if not can_fill(user, report):
        raise PermissionDenied
