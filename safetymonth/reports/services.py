"""Report workflows: create the reports a round expects, save drafts, submit, return, approve,
reopen, chase, remind, and roll values up the org tree.

Every function that changes data is atomic, checks the actor's right itself (views check it too)
and writes an audit entry and a history event. See docs/reports.md for the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connections, transaction
from django.db.models import Count, F, Q, Sum, Window
from django.db.models import Value as Value_
from django.db.models.functions import RowNumber, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.accounts.models import Role
from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.campaigns.models import Campaign, CampaignStatus, Indicator, IndicatorKind, Round
from safetymonth.campaigns.services import FormCheck, check_values, input_name
from safetymonth.core.language import site_text
from safetymonth.lib import ids, outliers, phone
from safetymonth.lib.rollup import Cell
from safetymonth.orgs.models import PATH_STEP, Org, OrgKind, under_paths_q
from safetymonth.reports import permissions as report_perms
from safetymonth.reports.models import (
    COUNTED_STATUSES,
    Notification,
    ReminderKind,
    ReminderSent,
    Report,
    ReportAction,
    ReportEvent,
    ReportStatus,
    Value,
)

if TYPE_CHECKING:
    from safetymonth.accounts.models import User

HEADER_FIELDS = ("contact_name", "contact_phone", "filled_on")
STAFF_ROLES = (Role.SECTION_STAFF, Role.ENTERPRISE_STAFF)


class ConcurrentEdit(Exception):
    """The report was saved by someone else since the page was loaded: nothing was written."""

    def __init__(self, report: Report, expected_version: int, current_version: int) -> None:
        super().__init__(f"report {report.public_id}: expected version {expected_version}, now {current_version}")
        self.report = report
        self.expected_version = expected_version
        self.current_version = current_version


# ---------------------------------------------------------------------------------------------
# Creating the reports of a round


def _public_id_sql(vendor: str) -> str:
    """SQL for a fresh random public id per row (lib/ids alphabet and length), on SQLite and PostgreSQL."""
    alphabet = ids.ALPHABET
    if vendor == "postgresql":
        char = f"substr('{alphabet}', 1 + floor(random() * {len(alphabet)})::int, 1)"
    else:
        char = f"substr('{alphabet}', 1 + abs(random() %% {len(alphabet)}), 1)"  # %%: a literal % by the time it runs
    return " || ".join([char] * ids.DEFAULT_LENGTH)


def expected_orgs(rnd: Round) -> Any:
    """The orgs the round expects to report: ``Round.expected_orgs`` (the one rule)."""
    return rnd.expected_orgs()


def create_expected_reports(rnd: Round, within: Iterable[str] = (), actor: User | None = None) -> int:
    """Create the missing reports of a round, one per expected org (``Round.expected_orgs``),
    optionally only in the subtrees ``within`` (org paths); returns how many were made.

    One set-based statement (INSERT … SELECT … WHERE NOT EXISTS … ON CONFLICT DO NOTHING, the same
    text on SQLite and PostgreSQL): its cost does not depend on Python looping over orgs, and it is
    safe to run again and concurrently (the unique (round, org) constraint skips existing ones).
    Called when a round opens or changes, and when an org is created, moved or re-activated — never
    from a page view."""
    if rnd.campaign.status != CampaignStatus.PUBLISHED:
        return 0
    expected = rnd.expected_orgs()
    paths = sorted(set(within))
    if paths:
        expected = expected.filter(under_paths_q(paths))
    sub_sql, sub_params = (
        expected.order_by().annotate(expected_org=F("pk")).values("expected_org").query.sql_with_params()
    )
    connection = connections[Report.objects.db]
    qn = connection.ops.quote_name
    template = Report(round=rnd)
    columns: list[str] = []
    exprs: list[str] = []
    params: list[Any] = []
    for f in Report._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(qn(f.column or f.attname))
        if f.attname == "org_id":
            exprs.append("expected.expected_org")
        elif f.attname == "public_id":
            exprs.append(_public_id_sql(connection.vendor))
        else:
            exprs.append("%s")
            params.append(f.get_db_prep_save(f.pre_save(template, add=True), connection))
    table = qn(Report._meta.db_table)
    # identifiers quoted by the backend, the alphabet a constant; every value is a parameter
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(exprs)} FROM ({sub_sql}) expected "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} have WHERE have.{qn('round_id')} = %s "
        f"AND have.{qn('org_id')} = expected.expected_org) "
        "ON CONFLICT DO NOTHING"
    )
    with transaction.atomic(using=Report.objects.db):
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *sub_params, rnd.pk])
            made = max(cursor.rowcount, 0)
        if made:
            log_event(
                actor,
                AuditEntry.Action.CREATE,
                rnd.campaign,
                org=rnd.campaign.issuing_org,
                summary=_("生成填报任务“%(round)s”：%(n)d 个单位") % {"round": rnd.name, "n": made},
                changes={"round": rnd.code, "created": made, "within": paths[:20]},
                actor_name="" if actor is not None else "system",
            )
    return made


def open_rounds() -> Any:
    """Rounds of the published campaigns (those whose reports exist and are kept complete)."""
    return Round.objects.filter(campaign__status=CampaignStatus.PUBLISHED).select_related(
        "campaign", "campaign__issuing_org"
    )


def create_reports_for_orgs(paths: Iterable[str], actor: User | None = None) -> int:
    """After orgs were created, moved or re-activated: create the reports the open rounds now
    expect in those subtrees (one statement per open round)."""
    paths = list(paths)
    if not paths:
        return 0
    return sum(create_expected_reports(rnd, within=paths, actor=actor) for rnd in open_rounds())


# ---------------------------------------------------------------------------------------------
# Values, header, snapshots


@dataclass
class SaveResult:
    """What a save or submit did: the check of the values, errors of the header fields, warnings
    (rules and outliers) with the comments given, and whether the report is now submitted."""

    check: FormCheck
    header_errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    comment_errors: dict[str, list[str]] = field(default_factory=dict)
    submitted: bool = False
    already_submitted: bool = False
    version: int = 0

    @property
    def errors(self) -> dict[str, list[str]]:
        return self.check.errors

    @property
    def has_errors(self) -> bool:
        return bool(self.check.errors or self.header_errors or self.comment_errors)


def stored_raw(report: Report) -> dict[str, str]:
    """{indicator code: what was typed} of the report."""
    return {v.indicator.code: v.raw for v in report.values.select_related("indicator")}


def header_of(report: Report) -> dict[str, str]:
    return {
        "contact_name": report.contact_name,
        "contact_phone": report.contact_phone,
        "filled_on": report.filled_on.isoformat() if report.filled_on else "",
    }


def header_display(report: Report) -> dict[str, str]:
    """The paper header line: 填报科室, 联系人, 电话, 填报日期."""
    return {
        "填报科室": report.org.name,
        "联系人": report.contact_name,
        "电话": report.contact_phone,
        "填报日期": report.filled_on.isoformat() if report.filled_on else "",
    }


def snapshot(report: Report) -> dict[str, Any]:
    return {
        "values": stored_raw(report),
        "header": header_of(report),
        "comments": dict(report.comments or {}),
        "status": report.status,
    }


def _parse_header(data: Mapping[str, Any], *, for_submit: bool) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Cleaned header values (only those that parse) and errors by field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    name = str(data.get("contact_name", "") or "").strip()
    if len(name) > 40:
        errors["contact_name"] = [_("联系人最多40个字。")]
    else:
        out["contact_name"] = name
    if for_submit and not name:
        errors["contact_name"] = [_("请填写联系人。")]
    tel = str(data.get("contact_phone", "") or "").strip()
    if tel and not phone.is_valid(tel):
        errors["contact_phone"] = [_("请填写手机号码或带区号的固定电话，例如 13800138000 或 023-68083116。")]
        out["contact_phone"] = tel[:30]  # kept in the draft as typed; submitting checks it again
    elif tel:
        out["contact_phone"] = phone.normalise(tel)
    else:
        out["contact_phone"] = ""
        if for_submit:
            errors["contact_phone"] = [_("请填写电话。")]
    day = str(data.get("filled_on", "") or "").strip()
    if day:
        try:
            out["filled_on"] = dt.date.fromisoformat(day)
        except ValueError:
            errors["filled_on"] = [_("请填写有效日期，例如 2021-06-25。")]
    else:
        out["filled_on"] = None
        if for_submit:
            errors["filled_on"] = [_("请填写填报日期。")]
    return out, errors


def comments_from(data: Mapping[str, Any], codes: Iterable[str]) -> dict[str, str]:
    out = {}
    for code in codes:
        text = str(data.get(f"comment-{code}", "") or "").strip()[:1000]
        if text:
            out[code] = text
    return out


def outlier_warnings(report: Report, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Soft warnings for integers far above the org's previous campaign or its peers (lib/outliers)."""
    form = report.round.form
    ints = {code: v for code, v in values.items() if isinstance(v, int) and not isinstance(v, bool) and v is not None}
    if not ints:
        return {}
    previous: dict[str, int] = {}
    prev_report = (
        Report.objects.filter(
            org=report.org,
            round__campaign__year__lt=report.round.campaign.year,
            status__in=COUNTED_STATUSES["submitted"],
        )
        .order_by("-round__campaign__year", "-round__deadline")
        .first()
    )
    if prev_report is not None:
        for code, number in Value.objects.filter(
            report=prev_report, indicator__code__in=list(ints), int_value__isnull=False
        ).values_list("indicator__code", "int_value"):
            if number is not None:
                previous[code] = number
    peers: dict[str, list[int]] = {}
    for code, number in (
        Value.objects.filter(
            report__round=report.round,
            report__status__in=COUNTED_STATUSES["submitted"],
            indicator__form=form,
            indicator__code__in=list(ints),
            int_value__isnull=False,
        )
        .exclude(report=report)
        .values_list("indicator__code", "int_value")
    ):
        if number is not None:
            peers.setdefault(code, []).append(number)
    out: dict[str, list[str]] = {}
    for code, number in ints.items():
        found = outliers.check(number, previous.get(code), peers.get(code, []))
        if found is None:
            continue
        if found.basis == "previous":
            msg = _("比上一年度（%(ref)s）高出很多，请说明原因。") % {"ref": int(found.reference)}
        else:
            msg = _("远高于其他单位的中位数（%(ref)s），请说明原因。") % {"ref": f"{found.reference:g}"}
        out[code] = [msg]
    return out


def _merge(a: Mapping[str, list[str]], b: Mapping[str, list[str]]) -> dict[str, list[str]]:
    out = {k: list(v) for k, v in a.items()}
    for k, v in b.items():
        out.setdefault(k, []).extend(v)
    return out


def _write_values(report: Report, check: FormCheck) -> None:
    indicators = {i.code: i for i in Indicator.objects.filter(form=report.round.form)}
    existing = {v.indicator_id: v for v in Value.objects.filter(report=report)}
    to_create: list[Value] = []
    to_update: list[Value] = []
    for code, ind in indicators.items():
        raw = check.raw.get(code, "")
        parsed = check.values.get(code)
        value = existing.get(ind.pk) or Value(report=report, indicator=ind)
        value.raw = raw
        value.int_value = parsed if ind.kind == IndicatorKind.INTEGER and isinstance(parsed, int) else None
        value.bool_value = parsed if ind.kind == IndicatorKind.BOOLEAN and isinstance(parsed, bool) else None
        value.text_value = parsed if ind.kind == IndicatorKind.TEXT and isinstance(parsed, str) else ""
        value.comment = str((report.comments or {}).get(code, ""))
        if value.pk is None:
            if raw:
                to_create.append(value)
        else:
            to_update.append(value)
    if to_create:
        Value.objects.bulk_create(to_create)
    if to_update:
        Value.objects.bulk_update(to_update, ["raw", "int_value", "bool_value", "text_value", "comment"])


def _event(report: Report, actor: User | None, action: str, reason: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=(actor.get_full_name() if actor is not None and actor.is_authenticated else "system"),
        version=report.version,
        status=report.status,
        reason=reason,
        snapshot=snapshot(report),
    )


def _bump(report: Report, expected_version: int, **fields: Any) -> None:
    """Conditional UPDATE on the version (optimistic lock, works on SQLite and PostgreSQL):
    refuses with ConcurrentEdit when the row's version is no longer ``expected_version``."""
    fields["updated_at"] = timezone.now()
    done = Report.objects.filter(pk=report.pk, version=expected_version).update(version=F("version") + 1, **fields)
    if not done:
        current = Report.objects.filter(pk=report.pk).values_list("version", flat=True).first() or 0
        raise ConcurrentEdit(report, expected_version, current)
    report.refresh_from_db()


def _check_entry_open(report: Report) -> None:
    if report.entry_closed:
        raise ValidationError(_("本批次已截止或活动未开放填报，不能再修改。"), code="closed")
    if not report.is_editable_status:
        raise ValidationError(_("报表状态为“%(status)s”，不能修改。") % {"status": report.status_label}, code="status")


@transaction.atomic
def save_draft(actor: User, report: Report, data: Mapping[str, Any], expected_version: int) -> SaveResult:
    """Save what was typed (also with errors: values that do not parse are kept as typed).
    Raises ConcurrentEdit when the report changed since ``expected_version``; ValidationError when
    the report cannot be edited (submitted, approved, or its round locked at the deadline)."""
    if not report_perms.can_fill(actor, report):
        raise PermissionDenied
    locked = Report.objects.select_related("org", "round", "round__campaign", "round__form").get(pk=report.pk)
    _check_entry_open(locked)
    check = check_values(locked.round.form, data, enforce_required=False)
    header, header_errors = _parse_header(data, for_submit=False)
    warnings = _merge(check.warnings, outlier_warnings(locked, check.values))
    comments = comments_from(data, [i.code for i in locked.round.form.indicators.all()])
    before = snapshot(locked)
    _bump(locked, expected_version, comments=comments, **header)
    _write_values(locked, check)
    after = snapshot(locked)
    _event(locked, actor, ReportAction.SAVE)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        locked,
        org=locked.org,
        summary=_("保存填报草稿：%(report)s") % {"report": locked},
        changes={"version": locked.version, "changed": _changed_keys(before, after)},
    )
    _copy(locked, report)
    return SaveResult(check=check, header_errors=header_errors, warnings=warnings, version=locked.version)


def _changed_keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    keys = []
    for part in ("values", "header", "comments"):
        b, a = before.get(part, {}), after.get(part, {})
        keys += [f"{part}.{k}" for k in sorted(set(a) | set(b)) if (a.get(k) or "") != (b.get(k) or "")]
    return keys[:200]


def _review_step(
    locked: Report,
    actor: User,
    action: str,
    before: str,
    summary: str,
    notice: str,
    url_name: str,
    reason: str = "",
) -> None:
    """What every review step records: history event, audit entry, and a notice to the org's staff."""
    _event(locked, actor, action, reason)
    changes: dict[str, Any] = {"status": [before, locked.status]}
    if reason:
        changes["reason"] = reason[:300]
    log_event(actor, AuditEntry.Action.UPDATE, locked, org=locked.org, summary=summary, changes=changes)
    notify_org(locked.org, notice, reverse(url_name, args=[locked.public_id]))


def _copy(source: Report, target: Report) -> None:
    for f in source._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


@transaction.atomic
def submit_report(actor: User, report: Report, data: Mapping[str, Any], expected_version: int) -> SaveResult:
    """Save what was typed, then submit when nothing blocks it: errors (types, bounds, required
    fields, rules, header) block; warnings need a comment. A second submit of a submitted or
    approved report changes nothing. Late submissions are accepted and marked late unless the
    round locks at its deadline."""
    if not report_perms.can_fill(actor, report):
        raise PermissionDenied
    current = Report.objects.select_related("round", "round__campaign", "round__form", "org").get(pk=report.pk)
    if current.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        _copy(current, report)
        return SaveResult(
            check=check_values(current.round.form, {}, enforce_required=False),
            already_submitted=True,
            submitted=True,
            version=current.version,
        )
    # save first (its own savepoint): submitting with errors keeps what was typed
    saved = save_draft(actor, report, data, expected_version)
    check = check_values(report.round.form, data, enforce_required=True)
    _header, header_errors = _parse_header(data, for_submit=True)
    comments = dict(report.comments or {})
    comment_errors = {
        code: [_("请说明这个数值（提交前必须填写说明）。")] for code in saved.warnings if not comments.get(code)
    }
    result = SaveResult(
        check=check,
        header_errors=header_errors,
        warnings=saved.warnings,
        comment_errors=comment_errors,
        version=report.version,
    )
    if result.has_errors:
        return result
    now = timezone.now()
    late = now > report.round.deadline
    _bump(
        report,
        report.version,
        status=ReportStatus.SUBMITTED,
        submitted_at=now,
        submitted_by=actor,
        submit_count=F("submit_count") + 1,
        is_late=late,
    )
    _event(report, actor, ReportAction.SUBMIT)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        report,
        org=report.org,
        summary=(_("重新提交填报：%(report)s") if report.submit_count > 1 else _("提交填报：%(report)s"))
        % {"report": report},
        changes={"status": [ReportStatus.DRAFT, ReportStatus.SUBMITTED], "late": late, "version": report.version},
    )
    _notify_reviewers(report, actor)
    result.submitted = True
    result.version = report.version
    return result


def _locked_for_review(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))  # lock the report row only, not the joined rows
        .select_related("org", "org__parent", "round", "round__campaign", "round__form", "round__report_to")
        .get(pk=report.pk)
    )


@transaction.atomic
def return_report(actor: User, report: Report, reason: str) -> Report:
    """Send a submitted report back to its org with a reason (required)."""
    locked = _locked_for_review(report)
    if not report_perms.can_review(actor, locked):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退回原因。")})
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("只能退回已提交的报表（当前为“%(s)s”）。") % {"s": locked.status_label}, code="status")
    _bump(locked, locked.version, status=ReportStatus.RETURNED, return_reason=reason[:2000])
    _review_step(
        locked,
        actor,
        ReportAction.RETURN,
        ReportStatus.SUBMITTED,
        _("退回填报：%(report)s") % {"report": locked},
        site_text(gettext_lazy("“%(round)s”被退回：%(reason)s"), round=locked.round.name, reason=reason[:200]),
        "reports:edit",
        reason,
    )
    _copy(locked, report)
    return locked


@transaction.atomic
def approve_report(actor: User, report: Report) -> Report:
    """Approve a submitted report: it is locked (only the office can reopen it)."""
    locked = _locked_for_review(report)
    if not report_perms.can_review(actor, locked):
        raise PermissionDenied
    if locked.status == ReportStatus.APPROVED:
        _copy(locked, report)
        return locked
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("只能审核已提交的报表（当前为“%(s)s”）。") % {"s": locked.status_label}, code="status")
    _bump(locked, locked.version, status=ReportStatus.APPROVED, approved_at=timezone.now(), approved_by=actor)
    _review_step(
        locked,
        actor,
        ReportAction.APPROVE,
        ReportStatus.SUBMITTED,
        _("审核通过：%(report)s") % {"report": locked},
        site_text(gettext_lazy("“%(round)s”已审核通过。"), round=locked.round.name),
        "reports:detail",
    )
    _copy(locked, report)
    return locked


@transaction.atomic
def reopen_report(actor: User, report: Report, reason: str) -> Report:
    """The office reopens an approved report (reason required): it goes back to its org as returned."""
    locked = _locked_for_review(report)
    if not report_perms.can_reopen(actor, locked):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写重新打开的原因。")})
    if locked.status != ReportStatus.APPROVED:
        raise ValidationError(_("只能重新打开已审核的报表。"), code="status")
    _bump(
        locked,
        locked.version,
        status=ReportStatus.RETURNED,
        return_reason=reason[:2000],
        approved_at=None,
        approved_by=None,
    )
    _review_step(
        locked,
        actor,
        ReportAction.REOPEN,
        ReportStatus.APPROVED,
        _("重新打开填报：%(report)s") % {"report": locked},
        site_text(
            gettext_lazy("“%(round)s”已被重新打开，请修改后再提交：%(reason)s"),
            round=locked.round.name,
            reason=reason[:200],
        ),
        "reports:edit",
        reason,
    )
    _copy(locked, report)
    return locked


# ---------------------------------------------------------------------------------------------
# Notifications, chasing, reminders


def org_staff(org: Org) -> list[User]:
    from safetymonth.accounts.models import User as UserModel

    return list(
        UserModel.objects.filter(
            is_active=True, memberships__org=org, memberships__role__in=list(STAFF_ROLES)
        ).distinct()
    )


def notify(users: Iterable[User], text: str, url: str = "", *, subject: str = "") -> int:
    """In-app notification for each user and an email to those with an address. Returns users notified."""
    users = list(users)
    Notification.objects.bulk_create([Notification(user=u, text=text[:300], url=url[:300]) for u in users])
    emails = sorted({u.email for u in users if u.email})
    if emails:
        site = str(getattr(settings, "SITE_URL", "") or "")
        body = text + (f"\n\n{site.rstrip('/')}{url}" if site else f"\n\n{url}" if url else "")
        mail_subject = subject or site_text(gettext_lazy("【安全生产月】%(text)s"), text=text[:60])
        # Mail goes out once the workflow's transaction has committed, never for a rolled-back change.
        transaction.on_commit(lambda: send_mail(mail_subject, body, None, emails, fail_silently=True))
    return len(users)


def notify_org(org: Org, text: str, url: str = "") -> int:
    return notify(org_staff(org), text, url)


def _notify_reviewers(report: Report, actor: User) -> None:
    from safetymonth.accounts.models import User as UserModel

    org = report.org
    if org.kind == OrgKind.ENTERPRISE:
        users = UserModel.objects.filter(
            is_active=True, memberships__org_id=org.parent_id, memberships__role=Role.SECTION_STAFF
        )
    else:
        ancestors = [a.pk for a in org.ancestors()]
        targets = ancestors + ([report.round.report_to_id] if report.round.report_to_id else [])
        users = UserModel.objects.filter(is_active=True, memberships__org_id__in=targets, memberships__role=Role.OFFICE)
    notify(
        [u for u in users.distinct() if u.pk != actor.pk],
        site_text(gettext_lazy("%(org)s 提交了“%(round)s”，请审核。"), org=org.name, round=report.round.name),
        reverse("reports:detail", args=[report.public_id]),
    )


def non_filers(rnd: Round, within: Org | None = None) -> Any:
    """Reports of the round's expected orgs (``Round.expected_orgs``) not yet submitted (draft or
    returned), optionally within a subtree: the 催报 list, reminders and the exports' 未报 names."""
    qs = Report.objects.filter(
        round=rnd, status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED], org__in=rnd.expected_orgs()
    )
    if within is not None:
        qs = qs.filter(org__path__startswith=within.path)
    return qs.select_related("org").order_by("org__path")


@transaction.atomic
def chase_report(actor: User, report: Report) -> int:
    """催报: remind the org's staff (notification and email) to fill and submit. Returns users reached."""
    report = Report.objects.select_related("org", "round", "round__campaign").get(pk=report.pk)
    if not report_perms.can_chase(actor, report.org):
        raise PermissionDenied
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(_("该单位已提交，无需催报。"), code="status")
    deadline = timezone.localtime(report.round.deadline).strftime("%Y-%m-%d %H:%M")
    n = notify_org(
        report.org,
        site_text(
            gettext_lazy("催报：请在 %(deadline)s 前填报并提交“%(round)s”。"),
            deadline=deadline,
            round=report.round.name,
        ),
        reverse("reports:edit", args=[report.public_id]),
    )
    _event(report, actor, ReportAction.CHASE)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        report,
        org=report.org,
        summary=_("催报：%(report)s") % {"report": report},
        changes={"recipients": n},
    )
    return n


OVERDUE_WINDOW = dt.timedelta(days=14)


def reminder_kind(deadline: dt.datetime, now: dt.datetime) -> str | None:
    """Which reminder is due now: 3 days before (until 1 day before), 1 day before (until the
    deadline), overdue (within two weeks after it). None outside these windows."""
    if deadline - dt.timedelta(days=3) <= now < deadline - dt.timedelta(days=1):
        return ReminderKind.THREE_DAYS
    if deadline - dt.timedelta(days=1) <= now < deadline:
        return ReminderKind.ONE_DAY
    if deadline <= now < deadline + OVERDUE_WINDOW:
        return ReminderKind.OVERDUE
    return None


def send_reminders(now: dt.datetime | None = None) -> int:
    """Send each due reminder once per (round, org, kind); returns how many were sent.

    The unique ReminderSent row is inserted first, in its own transaction: a concurrent run that
    inserts the same row gets an IntegrityError and skips it, so each reminder goes out once."""
    now = now or timezone.now()
    sent = 0
    rounds = Round.objects.filter(
        campaign__status=CampaignStatus.PUBLISHED,
        deadline__gt=now - OVERDUE_WINDOW,
        deadline__lte=now + dt.timedelta(days=3),
    ).select_related("campaign", "campaign__issuing_org")
    for rnd in rounds:
        kind = reminder_kind(rnd.deadline, now)
        if kind is None:
            continue
        create_expected_reports(rnd)
        for report in non_filers(rnd):
            try:
                with transaction.atomic():
                    row = ReminderSent.objects.create(round=rnd, org=report.org, kind=kind, sent_at=now)
                    row.recipients = _remind(report, kind)
                    row.save(update_fields=["recipients"])
                    log_event(
                        None,
                        AuditEntry.Action.UPDATE,
                        report,
                        org=report.org,
                        summary=_("截止提醒（%(kind)s）：%(report)s")
                        % {"kind": ReminderKind(kind).label, "report": report},
                        changes={"kind": kind, "recipients": row.recipients},
                        actor_name="send_reminders",
                    )
            except IntegrityError:
                continue
            sent += 1
    return sent


def _remind(report: Report, kind: str) -> int:
    deadline = timezone.localtime(report.round.deadline).strftime("%Y-%m-%d %H:%M")
    texts = {
        ReminderKind.THREE_DAYS: gettext_lazy("提醒：“%(round)s”将于 %(deadline)s 截止（还有3天），请及时填报。"),
        ReminderKind.ONE_DAY: gettext_lazy("提醒：“%(round)s”将于 %(deadline)s 截止（还有1天），请尽快填报并提交。"),
        ReminderKind.OVERDUE: gettext_lazy("逾期：“%(round)s”已于 %(deadline)s 截止，贵单位尚未提交，请尽快提交。"),
    }
    return notify_org(
        report.org,
        site_text(texts[ReminderKind(kind)], round=report.round.name, deadline=deadline),
        reverse("reports:edit", args=[report.public_id]),
    )


# ---------------------------------------------------------------------------------------------
# Roll-up


def counted_statuses(choice: str) -> list[str]:
    return [str(s) for s in COUNTED_STATUSES.get(choice, COUNTED_STATUSES["approved"])]


# Texts listed per cell on a page (a subtree of 20,000 enterprises has 20,000 texts); exports ask
# for all of them (text_limit=None).
ROLLUP_TEXT_LIMIT = 20
# Child columns per roll-up page: the page's cost follows the page, not the number of children.
ROLLUP_CHILDREN_PER_PAGE = 20


def _form_indicators(rnd: Round) -> list[Indicator]:
    return list(Indicator.objects.filter(form_id=rnd.form_id).order_by("item__order", "order"))


def _counted_values(rnd: Round, counting: str, indicators: list[Indicator]) -> Any:
    """Values of the round's counted reports. A report's values are those of its round's form, so no
    filter on the indicators (nor a join to their table) is needed: the planner then drives the
    query from the subtree's path (orgs → their reports of the round → their values) instead of
    scanning every value of the form's indicators. Rows of an indicator not in ``indicators`` are
    skipped by the callers."""
    return Value.objects.filter(report__round=rnd, report__status__in=counted_statuses(counting))


def _aggregate(values: Any, *group: Any) -> Any:
    """One aggregate row per (group…, indicator): sum of integers, count of yes, and how many values
    of each kind went in. Grouped in the database; nothing per value comes back to Python."""
    return (
        values.values(*group, "indicator_id")
        .annotate(
            total=Sum("int_value"),
            yes=Count("pk", filter=Q(bool_value=True)),
            ints=Count("int_value"),
            bools=Count("bool_value"),
            texts=Count("pk", filter=~Q(text_value="")),
        )
        .order_by()
    )


def _fill(cell: Cell, row: Mapping[str, Any]) -> None:
    if cell.kind == IndicatorKind.INTEGER:
        cell.answered, cell.total = row["ints"], int(row["total"] or 0)
    elif cell.kind == IndicatorKind.BOOLEAN:
        cell.answered, cell.total = row["bools"], row["yes"]
    else:
        cell.answered = row["texts"]


def _texts(values: Any, indicators: list[Indicator], group: Any, limit: int | None) -> Any:
    """(group, indicator id, org name, text) in tree order; at most ``limit`` per (group, indicator),
    cut in the database with ROW_NUMBER()."""
    text_ids = [i.pk for i in indicators if i.kind == IndicatorKind.TEXT]
    qs = values.filter(indicator_id__in=text_ids).exclude(text_value="").annotate(group=group)
    if limit is not None:
        qs = qs.annotate(
            nth=Window(
                RowNumber(),
                partition_by=[group, F("indicator_id")],
                order_by=[F("report__org__path").asc(), F("pk").asc()],
            )
        ).filter(nth__lte=limit)
    return qs.order_by("report__org__path", "pk").values_list(
        "group", "indicator_id", "report__org__name", "text_value"
    )


def rollup_cells(
    org: Org,
    rnd: Round,
    counting: str = "approved",
    *,
    indicators: list[Indicator] | None = None,
    text_limit: int | None = ROLLUP_TEXT_LIMIT,
) -> dict[str, Cell]:
    """The org's figure per indicator code over its whole subtree (its own value plus those of every
    org beneath it, from reports in the counted statuses): one aggregate query grouped by indicator,
    driven by the subtree's indexed path prefix, plus one for the texts (``text_limit`` per
    indicator; None: all of them)."""
    indicators = indicators if indicators is not None else _form_indicators(rnd)
    by_id = {i.pk: i for i in indicators}
    cells = {i.code: Cell(i.kind) for i in indicators}
    values = _counted_values(rnd, counting, indicators).filter(report__org__path__startswith=org.path)
    for row in _aggregate(values):
        if row["indicator_id"] in by_id:
            _fill(cells[by_id[row["indicator_id"]].code], row)
    if any(i.kind == IndicatorKind.TEXT for i in indicators):
        for _g, ind_id, name, text in _texts(values, indicators, Value_(org.path), text_limit):
            cells[by_id[ind_id].code].texts.append((name, text))
    return cells


def rollup_totals(org: Org, rnd: Round, counting: str = "approved", text_limit: int | None = None) -> dict[str, Any]:
    """{indicator code: figure} over the org's subtree: the sum of integers, the count of yes, or the
    texts with their org names (in tree order; ``text_limit`` of them, None: all). An indicator
    that nothing was reported for is left out."""
    out: dict[str, Any] = {}
    for code, cell in rollup_cells(org, rnd, counting, text_limit=text_limit).items():
        if cell.kind == IndicatorKind.TEXT:
            if cell.texts:
                out[code] = cell.texts
        elif cell.answered:
            out[code] = cell.total
    return out


@dataclass
class RollupRow:
    org: Org | None  # None: the total
    label: str
    cells: dict[str, Cell]
    report: Report | None = None


def rollup_children(org: Org) -> Any:
    """The direct children whose subtrees are the roll-up's columns (paged by the view)."""
    return Org.objects.filter(parent=org).order_by("path")


def rollup(
    org: Org,
    rnd: Round,
    counting: str = "approved",
    children: list[Org] | None = None,
    *,
    text_limit: int | None = ROLLUP_TEXT_LIMIT,
) -> list[RollupRow]:
    """The org's own figures, each of ``children``'s (default: every direct child; a page passes its
    page of them) with its subtree, and the total over the whole subtree.

    A fixed number of queries whatever the size of the tree: the children's figures are one
    aggregate grouped by child path prefix (``substr(path, 1, len(child path))``) over just these
    children's subtrees, the total one aggregate over the subtree, the texts cut per cell."""
    indicators = _form_indicators(rnd)
    by_id = {i.pk: i for i in indicators}
    children = list(children) if children is not None else list(rollup_children(org))
    keys = [org.path, *[c.path for c in children]]
    groups: dict[str, dict[str, Cell]] = {key: {i.code: Cell(i.kind) for i in indicators} for key in keys}
    counted = _counted_values(rnd, counting, indicators)
    own = counted.filter(report__org=org)
    for row in _aggregate(own):
        if row["indicator_id"] in by_id:
            _fill(groups[org.path][by_id[row["indicator_id"]].code], row)
    if any(i.kind == IndicatorKind.TEXT for i in indicators):
        for _g, ind_id, name, text in _texts(own, indicators, Value_(org.path), text_limit):
            groups[org.path][by_id[ind_id].code].texts.append((name, text))
    if children:
        child_len = len(org.path) + PATH_STEP + 1  # every child's path: the org's path and one segment
        below = counted.filter(under_paths_q([c.path for c in children], "report__org__path"))
        prefix = Substr("report__org__path", 1, child_len)
        for row in _aggregate(below.annotate(group=prefix), "group"):
            if row["indicator_id"] in by_id:
                _fill(groups[row["group"]][by_id[row["indicator_id"]].code], row)
        if any(i.kind == IndicatorKind.TEXT for i in indicators):
            for key, ind_id, name, text in _texts(below, indicators, prefix, text_limit):
                groups[key][by_id[ind_id].code].texts.append((name, text))
    total = rollup_cells(org, rnd, counting, indicators=indicators, text_limit=text_limit)
    reports = {r.org_id: r for r in Report.objects.filter(round=rnd, org__in=[org, *children])}
    rows = [RollupRow(org=org, label=_("本单位"), cells=groups[org.path], report=reports.get(org.pk))]
    rows += [RollupRow(org=c, label=c.name, cells=groups[c.path], report=reports.get(c.pk)) for c in children]
    rows.append(RollupRow(org=None, label=_("合计"), cells=total))
    return rows


def rounds_for_user(user: User) -> list[Round]:
    """Rounds of the campaigns the user can see (newest first)."""
    return list(
        Round.objects.filter(campaign__in=Campaign.objects.for_user(user))
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .select_related("campaign")
        .order_by("-campaign__year", "order")
    )


__all__ = [
    "ConcurrentEdit",
    "SaveResult",
    "approve_report",
    "chase_report",
    "create_expected_reports",
    "create_reports_for_orgs",
    "input_name",
    "non_filers",
    "reopen_report",
    "return_report",
    "rollup",
    "rollup_totals",
    "save_draft",
    "send_reminders",
    "submit_report",
]
