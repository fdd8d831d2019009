"""Workflows on campaigns: load and dump definition files, save an edited definition, copy a campaign
into next year's draft, publish and close. Each is atomic and writes an audit entry.

The definition (``definition.py``) is the one description of a campaign: the YAML file, the office
UI's edits (``save_definition``) and ``copy_campaign`` all go through the same validation, the same
publishing lock and the same upsert by codes, so that what can be loaded can be dumped and the other
way round.

Publishing locks the definition's structure: the form (items, indicators, rules) and the rounds
(which rounds, their form, who reports and to whom). A published campaign may still have the texts of
its notice corrected (contents, requirements, leadership, contacts, materials, periods, slogans) and a
round renamed, its deadline moved or its lock at the deadline switched. Event types (issue 7) stay
editable after publishing: figures computed from events follow a changed mapping at once (see
docs/events.md); a type that has events cannot be removed. A closed campaign is read-only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.campaigns import definition
from safetymonth.campaigns.definition import Change, DefinitionError, Located, Problem
from safetymonth.campaigns.models import (
    Campaign,
    CampaignStatus,
    CitedDocument,
    Content,
    EventType,
    Indicator,
    IndicatorKind,
    Item,
    LeadershipMember,
    Period,
    ReportForm,
    Requirement,
    Round,
    RoundOrgChoice,
    Rule,
    Slogan,
)
from safetymonth.lib import expressions, notice, numbers
from safetymonth.orgs.models import Org
from safetymonth.orgs.signals import tree_changed

if TYPE_CHECKING:
    from safetymonth.accounts.models import User


# ---------------------------------------------------------------------------------------------
# Hook for issue 4 (reports and values)


def indicator_has_values(indicator: Indicator) -> bool:
    """Whether any report holds a value for ``indicator``.

    A value counts when something was typed into the blank (a report's ``Value`` with non-empty
    ``raw``). ``load_campaign`` and ``save_definition`` then refuse, in any campaign, to remove such an
    indicator or change its kind, unit, bounds or item, naming it."""
    from safetymonth.reports.models import Value

    return Value.objects.filter(indicator=indicator).exclude(raw="").exists()


# ---------------------------------------------------------------------------------------------
# Reading a campaign back into its canonical definition


def campaign_to_data(campaign: Campaign) -> dict[str, Any]:
    """The campaign as a canonical definition (what ``dump_campaign`` writes)."""
    raw: dict[str, Any] = {
        "code": campaign.code,
        "year": campaign.year,
        "title": campaign.title,
        "theme": campaign.theme,
        "doc_number": campaign.doc_number,
        "issuing_org": campaign.issuing_org.name if campaign.issuing_org else None,
        "issuer_name": campaign.issuer_name,
        "issue_date": campaign.issue_date.isoformat() if campaign.issue_date else None,
        "addressees": campaign.addressees,
        "preamble": campaign.preamble,
        "cited_documents": [
            {"title": d.title, "doc_number": d.doc_number} for d in campaign.cited_documents.order_by("order")
        ],
        "periods": [
            {"code": p.code, "name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat(), "note": p.note}
            for p in campaign.periods.order_by("order", "start")
        ],
        "approach": campaign.approach,
        "contents_heading": campaign.contents_heading,
        "contents": [{"title": c.title, "text": c.text} for c in campaign.contents.order_by("number")],
        "requirements": [{"title": r.title, "text": r.text} for r in campaign.requirements.order_by("number")],
        "leadership_group_name": campaign.leadership_group_name,
        "leadership": [
            {"position": m.position, "description": m.description, "name": m.name}
            for m in campaign.leadership.order_by("order")
        ],
        "office": campaign.office_name,
        "closing": campaign.closing,
        "materials": {
            "label": campaign.materials_label,
            "url": campaign.materials_url,
            "code": campaign.materials_code,
        },
        "contact": {"name": campaign.contact_name, "phone": campaign.contact_phone},
        "forms": [_form_to_data(f) for f in campaign.forms.order_by("pk")],
        "slogans": {
            "attachment_title": campaign.slogans_attachment_title,
            "heading": campaign.slogans_heading,
            "note": campaign.slogans_note,
            "items": [s.text for s in campaign.slogans.order_by("number")],
        },
        "printed_by": campaign.printed_by,
        "printed_date": campaign.printed_date.isoformat() if campaign.printed_date else None,
        "rounds": [
            {
                "code": r.code,
                "name": r.name,
                "form": r.form.code,
                "deadline": definition.format_deadline(r.deadline),
                "report_to": r.report_to_name,
                "expected_kinds": list(r.expected_kinds),
                "responsible_sections_only": r.responsible_sections_only,
                "lock_at_deadline": r.lock_at_deadline,
            }
            for r in campaign.rounds.select_related("form").order_by("order", "deadline")
        ],
        "event_types": [
            {
                "code": t.code,
                "name": t.name,
                "description": t.description,
                "count": t.count_indicator.code if t.count_indicator else None,
                "participants": t.participants_indicator.code if t.participants_indicator else None,
            }
            for t in campaign.event_types.select_related("count_indicator", "participants_indicator").order_by(
                "order", "code"
            )
        ],
        "ledger_figures": dict(campaign.ledger_figures or {}),
    }
    return definition.canonical(raw)


def _form_to_data(form: ReportForm) -> dict[str, Any]:
    indicators: dict[int, list[Indicator]] = {}
    for ind in form.indicators.order_by("order"):
        indicators.setdefault(ind.item_id, []).append(ind)
    return {
        "code": form.code,
        "attachment_label": form.attachment_label,
        "title": form.title,
        "header_fields": list(form.header_fields),
        "items": [
            {
                "code": item.code,
                "title": item.title,
                "requirement": item.requirement,
                "progress_text": item.progress_text,
                "indicators": [
                    {
                        "code": i.code,
                        "kind": i.kind,
                        "unit": i.unit,
                        "label": i.label,
                        "required": i.required,
                        "min_value": i.min_value,
                        "max_value": i.max_value,
                        "soft_max": i.soft_max,
                        "max_length": i.max_length,
                    }
                    for i in indicators.get(item.pk, [])
                ],
            }
            for item in form.items.order_by("order", "code")
        ],
        "rules": [
            {
                "code": r.code,
                "left": r.left,
                "operator": r.operator,
                "right": r.right,
                "message": r.message,
                "missing_value_strategy": r.missing_value_strategy,
                "severity": r.severity,
            }
            for r in form.rules.order_by("order", "code")
        ],
    }


def dump_campaign(campaign: Campaign) -> str:
    """The campaign's definition file (YAML). Loading it gives the same campaign back."""
    return definition.to_yaml(campaign_to_data(campaign))


# ---------------------------------------------------------------------------------------------
# Orgs named in a definition


@dataclass
class ResolvedOrgs:
    issuing_org: Org | None = None
    office_org: Org | None = None
    report_to: dict[str, Org | None] = field(default_factory=dict)


def _find_org(name: str, within: Org | None) -> list[Org]:
    qs = Org.objects.all()
    if within is not None:
        qs = qs.subtree(within)
    exact = list(qs.filter(name=name)[:2])
    return exact or list(qs.filter(short_name=name)[:2])


def _resolve_orgs(data: dict[str, Any], located: Located) -> tuple[ResolvedOrgs, list[Problem]]:
    resolved, problems = ResolvedOrgs(), []
    if data.get("issuing_org"):
        name = data["issuing_org"]
        found = list(Org.objects.filter(name=name)[:2])
        if len(found) == 1:
            resolved.issuing_org = found[0]
        elif not found:
            message = _("单位“%(name)s”不存在：请先创建或导入单位。") % {"name": name}
            problems.append(located.problem(("issuing_org",), message))
        else:
            message = _("有多个名为“%(name)s”的单位，无法确定发文单位。") % {"name": name}
            problems.append(located.problem(("issuing_org",), message))

    def one(name: str, path: definition.PathT) -> Org | None:
        found = _find_org(name, resolved.issuing_org)
        if len(found) == 1:
            return found[0]
        where = resolved.issuing_org.name if resolved.issuing_org else _("单位树")
        message = (
            _("在“%(where)s”中找不到单位“%(name)s”。")
            if not found
            else _("在“%(where)s”中有多个名为“%(name)s”的单位。")
        )
        problems.append(located.problem(path, message % {"where": where, "name": name}))
        return None

    if data.get("office"):
        resolved.office_org = one(data["office"], ("office",))
    for i, rnd in enumerate(data.get("rounds", [])):
        resolved.report_to[rnd["code"]] = (
            one(rnd["report_to"], ("rounds", i, "report_to")) if rnd.get("report_to") else None
        )
    return resolved, problems


# ---------------------------------------------------------------------------------------------
# Applying a canonical definition to the database (upsert by codes)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _apply(campaign: Campaign | None, data: dict[str, Any], orgs: ResolvedOrgs) -> Campaign:
    if campaign is None:
        campaign = Campaign(code=data["code"])
    materials, contact, slogans = data["materials"], data["contact"], data["slogans"]
    campaign.title = data["title"]
    campaign.year = data["year"]
    campaign.theme = data["theme"]
    campaign.doc_number = data["doc_number"]
    campaign.issuing_org = orgs.issuing_org
    campaign.issuer_name = data["issuer_name"]
    campaign.issue_date = _date(data.get("issue_date"))
    campaign.addressees = data["addressees"]
    campaign.preamble = data["preamble"]
    campaign.approach = data["approach"]
    campaign.contents_heading = data["contents_heading"]
    campaign.leadership_group_name = data["leadership_group_name"]
    campaign.office_org = orgs.office_org
    campaign.office_name = data["office"]
    campaign.closing = data["closing"]
    campaign.materials_label = materials["label"]
    campaign.materials_url = materials["url"]
    campaign.materials_code = materials["code"]
    campaign.contact_name = contact["name"]
    campaign.contact_phone = contact["phone"]
    campaign.slogans_attachment_title = slogans["attachment_title"]
    campaign.slogans_heading = slogans["heading"]
    campaign.slogans_note = slogans["note"]
    campaign.printed_by = data["printed_by"]
    campaign.printed_date = _date(data.get("printed_date"))
    campaign.ledger_figures = dict(data.get("ledger_figures") or {})
    if campaign.pk is None:
        campaign.save()
    else:
        campaign.version = F("version") + 1
        campaign.save()
        campaign.refresh_from_db(fields=["version", "updated_at"])

    _replace_list(
        campaign.cited_documents,
        [
            CitedDocument(campaign=campaign, order=n, title=d["title"], doc_number=d.get("doc_number", ""))
            for n, d in enumerate(data["cited_documents"], 1)
        ],
        ("order", "title", "doc_number"),
    )
    _replace_list(
        campaign.contents,
        [
            Content(campaign=campaign, number=n, title=c["title"], text=c["text"])
            for n, c in enumerate(data["contents"], 1)
        ],
        ("number", "title", "text"),
    )
    _replace_list(
        campaign.requirements,
        [
            Requirement(campaign=campaign, number=n, title=c["title"], text=c["text"])
            for n, c in enumerate(data["requirements"], 1)
        ],
        ("number", "title", "text"),
    )
    _replace_list(
        campaign.leadership,
        [
            LeadershipMember(
                campaign=campaign, order=n, position=m["position"], description=m["description"], name=m.get("name", "")
            )
            for n, m in enumerate(data["leadership"], 1)
        ],
        ("order", "position", "description", "name"),
    )
    _replace_list(
        campaign.slogans,
        [Slogan(campaign=campaign, number=n, text=t) for n, t in enumerate(slogans["items"], 1)],
        ("number", "text"),
    )

    periods = {p.code: p for p in campaign.periods.all()}
    for n, p in enumerate(data["periods"], 1):
        period = periods.pop(p["code"], None) or Period(campaign=campaign, code=p["code"])
        period.order, period.name, period.note = n, p["name"], p.get("note", "")
        period.start, period.end = dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"])
        period.save()
    for gone in periods.values():
        gone.delete()

    forms = {f.code: f for f in campaign.forms.all()}
    kept_forms: dict[str, ReportForm] = {}
    for f in data["forms"]:
        kept_forms[f["code"]] = _apply_form(campaign, forms.pop(f["code"], None), f)

    rounds = {r.code: r for r in campaign.rounds.all()}
    for n, r in enumerate(data["rounds"], 1):
        rnd = rounds.pop(r["code"], None) or Round(campaign=campaign, code=r["code"])
        rnd.order, rnd.name, rnd.form = n, r["name"], kept_forms[r["form"]]
        rnd.deadline = definition.parse_deadline(r["deadline"])
        rnd.report_to = orgs.report_to.get(r["code"])
        rnd.report_to_name = r.get("report_to", "")
        rnd.expected_kinds = list(r["expected_kinds"])
        rnd.responsible_sections_only = bool(r.get("responsible_sections_only", False))
        rnd.lock_at_deadline = r["lock_at_deadline"]
        rnd.save()
    for gone_round in rounds.values():
        gone_round.delete()
    for gone_form in forms.values():
        gone_form.delete()
    _apply_event_types(campaign, data.get("event_types", []))
    return campaign


def _apply_event_types(campaign: Campaign, rows: list[dict[str, Any]]) -> None:
    """Upsert the campaign's event types by code; their mappings name indicators by code (the
    definition check has made sure each names one integer indicator of one of the forms)."""
    indicators = {i.code: i for i in Indicator.objects.filter(form__campaign=campaign)}
    existing = {t.code: t for t in campaign.event_types.all()}
    for n, t in enumerate(rows, 1):
        et = existing.pop(t["code"], None) or EventType(campaign=campaign, code=t["code"])
        et.order, et.name, et.description = n, t["name"], t.get("description", "")
        et.count_indicator = indicators.get(t["count"]) if t.get("count") else None
        et.participants_indicator = indicators.get(t["participants"]) if t.get("participants") else None
        et.save()
    for gone in existing.values():
        gone.delete()  # only types without events reach here (_lock_problems)


def _replace_list(manager: Any, rows: list[Any], fields: tuple[str, ...]) -> None:
    """Replace a numbered list (contents, slogans, …) when it differs."""
    existing = [tuple(getattr(r, f) for f in fields) for r in manager.all()]
    wanted = [tuple(getattr(r, f) for f in fields) for r in rows]
    if existing != wanted:
        manager.all().delete()
        type(rows[0]).objects.bulk_create(rows) if rows else None


def _apply_form(campaign: Campaign, form: ReportForm | None, data: dict[str, Any]) -> ReportForm:
    form = form or ReportForm(campaign=campaign, code=data["code"])
    form.attachment_label = data["attachment_label"]
    form.title = data["title"]
    form.header_fields = list(data["header_fields"])
    form.save()
    items = {i.code: i for i in form.items.all()}
    indicators = {i.code: i for i in form.indicators.all()}
    kept_items: set[str] = set()
    kept_indicators: set[str] = set()
    for n, it in enumerate(data["items"], 1):
        item = items.get(it["code"]) or Item(form=form, code=it["code"])
        item.order, item.title, item.requirement, item.progress_text = (
            n,
            it["title"],
            it["requirement"],
            it["progress_text"],
        )
        item.save()
        kept_items.add(item.code)
        for k, ind_data in enumerate(it["indicators"], 1):
            ind = indicators.get(ind_data["code"]) or Indicator(form=form, code=ind_data["code"])
            ind.item = item
            ind.order = k
            ind.kind = ind_data["kind"]
            ind.unit = ind_data.get("unit", "")
            ind.label = ind_data["label"]
            ind.required = ind_data["required"]
            ind.min_value = ind_data.get("min_value")
            ind.max_value = ind_data.get("max_value")
            ind.soft_max = ind_data.get("soft_max")
            ind.max_length = ind_data.get("max_length")
            ind.save()
            kept_indicators.add(ind.code)
    for code, ind in indicators.items():
        if code not in kept_indicators:
            ind.delete()
    for code, item in items.items():
        if code not in kept_items:
            item.delete()
    rules = {r.code: r for r in form.rules.all()}
    for n, r in enumerate(data["rules"], 1):
        rule = rules.pop(r["code"], None) or Rule(form=form, code=r["code"])
        rule.order = n
        for key in ("left", "operator", "right", "message", "missing_value_strategy", "severity"):
            setattr(rule, key, r[key])
        rule.save()
    for gone in rules.values():
        gone.delete()
    return form


# ---------------------------------------------------------------------------------------------
# Loading and saving definitions


@dataclass
class LoadResult:
    campaign: Campaign
    created: bool
    changes: list[Change]
    # the notice checks of the loaded definition (what publishing will ask for; load_campaign only)
    checklist: Checklist | None = None

    @property
    def changed(self) -> bool:
        return self.created or bool(self.changes)


def _lock_problems(campaign: Campaign, changes: list[Change], located: Located) -> list[Problem]:
    """Why ``changes`` may not be made to ``campaign`` (publishing lock, values already reported)."""
    if campaign.status == CampaignStatus.CLOSED:
        return [Problem(None, None, "", _("活动“%(code)s”已结束，定义不能再修改。") % {"code": campaign.code})]
    problems: list[Problem] = []
    if campaign.status == CampaignStatus.PUBLISHED:
        for change in changes:
            if definition.structural(change):
                problems.append(
                    located.problem(
                        change.path,
                        _("活动已发布，统计表结构和填报批次已锁定：不能%(change)s。") % {"change": change.describe()},
                    )
                )
    removed_types = [c.code for c in changes if c.what == "event_type" and c.action == "removed"]
    if removed_types:
        from safetymonth.events.models import Event

        used = set(
            Event.objects.filter(campaign=campaign, event_type__code__in=removed_types)
            .values_list("event_type__code", flat=True)
            .distinct()
        )
        for change in changes:
            if change.what == "event_type" and change.action == "removed" and change.code in used:
                problems.append(
                    located.problem(
                        change.path,
                        _("活动类型“%(code)s”已有活动记录：不能删除（可以改名或修改它计入的指标）。")
                        % {"code": change.code},
                    )
                )
    with_values = {i.code: i for i in Indicator.objects.filter(form__campaign=campaign) if indicator_has_values(i)}
    for change in changes:
        if change.what != "indicator" or change.code not in with_values:
            continue
        if change.action == "removed" or definition.VALUE_BEARING_FIELDS & set(change.fields):
            problems.append(
                located.problem(
                    change.path,
                    _("指标“%(code)s”已有填报数据：不能%(change)s。")
                    % {"code": change.code, "change": change.describe()},
                )
            )
    return problems


def _audit_changes(changes: list[Change]) -> dict[str, Any]:
    return {"changes": [c.describe() for c in changes[:200]], "count": len(changes)}


def _store(
    actor: User | None,
    data: dict[str, Any],
    located: Located,
    *,
    campaign: Campaign | None,
    action: str,
    summary: str,
) -> LoadResult:
    if campaign is not None:
        old = campaign_to_data(campaign)
        changes = definition.diff(old, data)
        if not changes:
            return LoadResult(campaign, False, [])
        problems = _lock_problems(campaign, changes, located)
    else:
        changes, problems = [], []
    orgs, org_problems = _resolve_orgs(data, located)
    problems = definition._sorted(problems + org_problems)
    if problems:
        raise DefinitionError(problems)
    created = campaign is None
    campaign = _apply(campaign, data, orgs)
    log_event(
        actor,
        AuditEntry.Action.CREATE if created else action,
        campaign,
        org=campaign.issuing_org,
        summary=summary,
        changes=_audit_changes(changes),
        actor_name="" if actor is not None else "manage.py",
    )
    return LoadResult(campaign, created, changes)


@transaction.atomic
def load_campaign(data_or_text: str | dict[str, Any], actor: User | None = None) -> LoadResult:
    """Validate a definition (YAML text or parsed data) and create or update the campaign with its
    code. Raises DefinitionError (every problem with its line and field) and changes nothing then.
    Loading the same definition twice changes nothing the second time."""
    if isinstance(data_or_text, str):
        data, located = definition.read(data_or_text)
    else:
        located = Located(None)
        data = definition.validate(data_or_text, located)
    campaign = Campaign.objects.select_for_update().filter(code=data["code"]).first()
    result = _store(
        actor,
        data,
        located,
        campaign=campaign,
        action=AuditEntry.Action.IMPORT,
        summary=_("导入活动定义“%(code)s”") % {"code": data["code"]},
    )
    result.checklist = notice_checklist(data)
    return result


def _check_version(campaign: Campaign, expected_version: int | None) -> None:
    if expected_version is not None and campaign.version != expected_version:
        raise ValidationError(
            _("活动已被他人修改（当前版本 %(now)d，您看到的是版本 %(seen)d）：请刷新页面后再改。")
            % {"now": campaign.version, "seen": expected_version},
            code="stale",
        )


@transaction.atomic
def save_definition(
    actor: User | None, campaign: Campaign, data: dict[str, Any], *, expected_version: int | None = None
) -> LoadResult:
    """Save an edited definition of ``campaign`` (the office UI: take ``campaign_to_data``, change
    it, save it). Same checks as ``load_campaign``; problems carry field paths (no lines). The code
    cannot change. ``expected_version`` guards against overwriting someone else's edit."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_version(locked, expected_version)
    if data.get("code") != locked.code:
        raise DefinitionError([Problem(None, None, "code", _("活动代码不能修改。"))])
    located = Located(None)
    canonical = definition.validate(data, located)
    return _store(
        actor,
        canonical,
        located,
        campaign=locked,
        action=AuditEntry.Action.UPDATE,
        summary=_("修改活动定义“%(code)s”") % {"code": locked.code},
    )


# ---------------------------------------------------------------------------------------------
# Inline edits of the office UI: one small change to the definition, saved by save_definition


EditPath = tuple[str | int, ...]


@dataclass(frozen=True)
class DefinitionEdit:
    """One inline edit of a campaign's definition (``campaign_to_data``'s shape).

    ``op``: ``update`` merges ``value`` (a dict; nested dicts merged, None removes a key) into the
    dict at ``path``; ``set`` replaces the entry at ``path``; ``insert`` puts ``value`` into the list
    at ``path`` at ``index`` (None: at the end); ``delete`` removes the list entry at ``path``;
    ``move`` moves the list entry at ``path`` by ``index`` places (-1 up, +1 down)."""

    op: str
    path: EditPath
    value: Any = None
    index: int | None = None


def _walk(data: Any, path: EditPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _merge(target: dict[str, Any], value: Mapping[str, Any]) -> None:
    for key, new in value.items():
        if new is None:
            target.pop(key, None)
        elif isinstance(new, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], new)
        else:
            target[key] = new


_MARKER_AROUND = r"[（(]\s*\[\[{code}\]\]\s*[）)]|\[\[{code}\]\]"


def _remove_marker(text: str, code: str) -> str:
    """The progress text without the blank of ``code`` (and the brackets that framed it)."""
    return re.sub(_MARKER_AROUND.format(code=re.escape(code)), "", text)


def _rename_code(data: dict[str, Any], old: str, new: str) -> None:
    """An indicator renamed in a draft: its marker, the rules and the event types that name it follow."""
    pattern = re.compile(rf"(?<![a-z0-9_]){re.escape(old)}(?![a-z0-9_])")
    for form in data.get("forms", []):
        for item in form["items"]:
            item["progress_text"] = item["progress_text"].replace(f"[[{old}]]", f"[[{new}]]")
        for rule in form["rules"]:
            rule["left"] = pattern.sub(new, rule["left"])
            rule["right"] = pattern.sub(new, rule["right"])
    for et in data.get("event_types", []):
        for key in ("count", "participants"):
            if et.get(key) == old:
                et[key] = new
    ledger = data.get("ledger_figures") or {}
    for name, code in ledger.items():
        if code == old:
            ledger[name] = new


def _follow_markers(data: dict[str, Any]) -> None:
    """Order each item's indicators as their blanks stand in the progress text (when every marker
    has its indicator and the other way round; otherwise the definition check says what is wrong)."""
    from safetymonth.lib import blanks

    for form in data.get("forms", []):
        for item in form["items"]:
            try:
                order = list(dict.fromkeys(blanks.codes(item["progress_text"])))
            except blanks.BlankError:
                continue
            codes = [i["code"] for i in item["indicators"]]
            if set(order) == set(codes) and len(codes) == len(order):
                item["indicators"].sort(key=lambda i: order.index(i["code"]))


def apply_edit(data: dict[str, Any], edit: DefinitionEdit) -> dict[str, Any]:
    """``data`` with ``edit`` made (in place; also returned). IndexError/KeyError for a bad path."""
    data.setdefault("event_types", [])  # optional list, left out of the canonical form while empty
    if edit.op == "update":
        target = _walk(data, edit.path)
        old_code = target.get("code") if isinstance(target, dict) else None
        _merge(target, edit.value)
        if _is_indicator_path(edit.path) and old_code and target.get("code") != old_code:
            _rename_code(data, old_code, target["code"])
    elif edit.op == "set":
        parent = _walk(data, edit.path[:-1])
        parent[edit.path[-1]] = edit.value
    elif edit.op == "insert":
        target = _walk(data, edit.path)
        value = {k: v for k, v in edit.value.items() if v is not None} if isinstance(edit.value, dict) else edit.value
        target.insert(len(target) if edit.index is None else edit.index, value)
    elif edit.op == "delete":
        parent = _walk(data, edit.path[:-1])
        gone = parent[edit.path[-1]]
        del parent[edit.path[-1]]
        if _is_indicator_path(edit.path) and isinstance(gone, dict):
            item = _walk(data, edit.path[:-2])
            item["progress_text"] = _remove_marker(item["progress_text"], gone["code"])
            for et in data.get("event_types", []):
                for key in ("count", "participants"):
                    if et.get(key) == gone["code"]:
                        del et[key]
            ledger = data.get("ledger_figures") or {}
            for name in [n for n, code in ledger.items() if code == gone["code"]]:
                del ledger[name]
    elif edit.op == "move":
        parent = _walk(data, edit.path[:-1])
        here = int(edit.path[-1])
        there = here + int(edit.index or 0)
        if not 0 <= here < len(parent):
            raise IndexError(here)
        if 0 <= there < len(parent):
            parent.insert(there, parent.pop(here))
    else:
        raise ValueError(edit.op)
    _follow_markers(data)
    return data


def _is_indicator_path(path: EditPath) -> bool:
    return len(path) >= 2 and path[-2] == "indicators"


@transaction.atomic
def edit_definition(
    actor: User | None, campaign: Campaign, edit: DefinitionEdit, *, expected_version: int | None
) -> LoadResult:
    """Make one inline edit (``DefinitionEdit``) and save it with ``save_definition``: the same
    version check, definition checks, publishing lock and audit entry as every other change.
    Raises ValidationError (code "stale") when the campaign changed since ``expected_version``,
    DefinitionError with the problems, or IndexError/KeyError when ``edit.path`` does not exist."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_version(locked, expected_version)
    data = apply_edit(campaign_to_data(locked), edit)
    result = save_definition(actor, locked, data, expected_version=expected_version)
    _copy_state(result.campaign, campaign)
    return result


def export_definition(actor: User | None, campaign: Campaign) -> str:
    """The campaign's definition file for download (audited as an export)."""
    text = dump_campaign(campaign)
    log_event(
        actor,
        AuditEntry.Action.EXPORT,
        campaign,
        org=campaign.issuing_org,
        summary=_("下载活动定义“%(code)s”") % {"code": campaign.code},
        changes={"version": campaign.version},
    )
    return text


# ---------------------------------------------------------------------------------------------
# Copy, publish, close


def _shift_date(value: dt.date, years: int) -> dt.date:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February into a common year
        return value.replace(year=value.year + years, day=28)


def _shift_deadline(value: str, years: int) -> str:
    local = definition.parse_deadline(value).astimezone(definition.LOCAL_TZ)
    shifted = _shift_date(local.date(), years)
    return definition.format_deadline(local.replace(year=shifted.year, month=shifted.month, day=shifted.day))


@transaction.atomic
def copy_campaign(actor: User | None, source: Campaign, new_code: str, year: int, title: str) -> Campaign:
    """A new, independent draft with everything of ``source`` (notice texts, contents, requirements,
    leadership, slogans, forms with items, indicators and rules, rounds), its periods and round
    deadlines moved by the difference in years. The new notice's number and dates are left empty."""
    errors: dict[str, str] = {}
    if not _code_ok(new_code):
        errors["code"] = _("活动代码只能包含小写字母、数字和连字符，例如 dadukou-commerce-2022。")
    elif Campaign.objects.filter(code=new_code).exists():
        errors["code"] = _("活动代码“%(code)s”已被使用。") % {"code": new_code}
    if not 2000 <= year <= 2100:
        errors["year"] = _("年度应在2000至2100之间。")
    if not title.strip():
        errors["title"] = _("请填写标题。")
    if errors:
        raise ValidationError(errors)
    data = campaign_to_data(source)
    years = year - source.year
    data.update(code=new_code, year=year, title=title.strip(), doc_number="")
    data.pop("issue_date", None)
    data.pop("printed_date", None)
    for p in data["periods"]:
        p["start"] = _shift_date(dt.date.fromisoformat(p["start"]), years).isoformat()
        p["end"] = _shift_date(dt.date.fromisoformat(p["end"]), years).isoformat()
    for r in data["rounds"]:
        r["deadline"] = _shift_deadline(r["deadline"], years)
    data = definition.canonical(data)
    orgs = ResolvedOrgs(
        issuing_org=source.issuing_org,
        office_org=source.office_org,
        report_to={r.code: r.report_to for r in source.rounds.all()},
    )
    campaign = _apply(None, data, orgs)
    campaign.copied_from = source
    campaign.save(update_fields=["copied_from"])
    log_event(
        actor,
        AuditEntry.Action.CREATE,
        campaign,
        org=campaign.issuing_org,
        summary=_("复制活动“%(source)s”为“%(code)s”") % {"source": source.code, "code": new_code},
        changes={"copied_from": source.code, "year": year},
    )
    return campaign


def _code_ok(code: str) -> bool:
    return bool(re.fullmatch(definition.schema()["properties"]["code"]["pattern"], code)) and len(code) <= 60


_WHERE = {
    "title": gettext_lazy("通知标题"),
    "theme": gettext_lazy("活动主题"),
    "doc_number": gettext_lazy("发文字号"),
    "issue_date": gettext_lazy("成文日期"),
    "printed_date": gettext_lazy("印发日期"),
    "issuing_org": gettext_lazy("发文单位"),
    "preamble": gettext_lazy("导语"),
    "approach": gettext_lazy("总体思路"),
    "contents_heading": gettext_lazy("主要内容标题"),
    "leadership_group_name": gettext_lazy("领导小组名称"),
    "closing": gettext_lazy("报送要求（正文结尾）"),
    "cited_documents": gettext_lazy("依据文件"),
    "contents": gettext_lazy("活动主要内容"),
    "requirements": gettext_lazy("有关要求"),
    "periods": gettext_lazy("活动时段"),
    "slogans": gettext_lazy("标语"),
    "forms": gettext_lazy("统计表"),
    "rounds": gettext_lazy("填报批次"),
}


def _where(data: Mapping[str, Any], path: str) -> str:
    """A finding's field as the office reads it: 发文字号, 依据文件 2, 活动时段“安全生产月”…"""
    parts = path.split(".")
    label = str(_WHERE.get(parts[0], parts[0]))
    if len(parts) < 2 or not parts[1].isdigit():
        return label
    row = (data.get(parts[0]) or [])[int(parts[1])]
    name = row.get("name") or row.get("title") or ""
    if parts[0] in ("periods", "rounds") and name:
        return f"{label}“{name}”"
    return f"{label} {int(parts[1]) + 1}"


def _finding_message(data: Mapping[str, Any], f: notice.Finding) -> str:
    p = dict(f.params)
    where = _where(data, f.where)
    if f.code == "doc_number_missing":
        return _("请填写发文字号，格式为“机关代字〔%(year)d〕序号号”，例如 渡商发〔%(year)d〕1号。") % p
    if f.code == "doc_number_format":
        return _("发文字号“%(value)s”格式不对：应为“机关代字〔%(year)d〕序号号”，例如 渡商发〔%(year)d〕1号。") % p
    if f.code == "doc_number_year":
        return _("发文字号“%(value)s”的年份是%(found)d，活动年度是%(year)d。") % p
    if f.code == "issue_date_missing":
        return _("请填写成文日期。")
    if f.code == "issuing_org_missing":
        return _("请指定发文单位。")
    if f.code == "date_outside_year":
        return _("%(where)s %(value)s 不在活动年度%(year)d年内。") % {**p, "where": where}
    if f.code == "no_future_deadline":
        return _("没有截止时间在今后的填报批次：请把至少一个填报批次的截止时间改到今后。")
    if f.code == "earlier_year":
        years = "、".join(str(y) for y in p["years"])
        return _("%(where)s 中仍有往年年份（%(years)s），活动年度是%(year)d：请核对是否为上一年的遗留内容。") % {
            **p,
            "where": where,
            "years": years,
        }
    if f.code == "ordinal":
        return _("%(where)s 写的是第%(found)d个“安全生产月”，%(year)d年是第%(expected)d个。") % {**p, "where": where}
    return f.code


@dataclass
class Checklist:
    """The publish checklist of a campaign: errors block publishing, warnings need a tick."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def notice_checklist(data: Mapping[str, Any], now: dt.datetime | None = None) -> Checklist:
    """The notice checks of ``safetymonth.lib.notice`` on a definition, as sentences. Used by the
    publish checklist and by ``load_campaign``."""
    result = Checklist()
    for f in notice.check_notice(data, now=now or timezone.now(), tz=definition.LOCAL_TZ):
        (result.errors if f.severity == notice.ERROR else result.warnings).append(_finding_message(data, f))
    return result


def publish_problems(campaign: Campaign) -> tuple[list[str], list[str]]:
    """(errors, warnings) for publishing ``campaign`` now: the notice checklist
    (``notice_checklist``), the form and the rounds."""
    data = campaign_to_data(campaign)
    checklist = notice_checklist(data)
    errors: list[str] = list(checklist.errors)
    warnings: list[str] = list(checklist.warnings)
    forms = list(campaign.forms.all())
    if not any(f.items.exists() for f in forms):
        errors.append(_("统计表至少需要一个活动项目。"))
    for f in forms:
        if not f.items.exists():
            errors.append(_("统计表“%(title)s”没有活动项目。") % {"title": f.title})
    rounds = list(campaign.rounds.all())
    if not rounds:
        errors.append(_("至少需要一个填报批次。"))
    now = timezone.now()
    for r in rounds:
        if r.report_to_id is None:
            errors.append(_("填报批次“%(name)s”未指定报送单位。") % {"name": r.name})
        if r.deadline <= now:
            warnings.append(
                _("填报批次“%(name)s”的截止时间 %(deadline)s 已过。")
                % {"name": r.name, "deadline": timezone.localtime(r.deadline).strftime("%Y-%m-%d %H:%M")}
            )
    try:
        definition.validate(data, Located(None))
    except DefinitionError as exc:
        errors.extend(str(p) for p in exc.problems)
    return errors, warnings


@transaction.atomic
def publish_campaign(actor: User | None, campaign: Campaign, *, expected_version: int | None = None) -> list[str]:
    """Publish a draft: reporters see it and its form is locked. Returns warnings (a deadline
    already past is allowed, e.g. when a past year's campaign is entered afterwards)."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_version(locked, expected_version)
    if locked.status != CampaignStatus.DRAFT:
        raise ValidationError(_("只有草稿状态的活动可以发布。"), code="status")
    errors, warnings = publish_problems(locked)
    if errors:
        raise ValidationError(errors, code="incomplete")
    locked.status = CampaignStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "published_at", "version", "updated_at"])
    locked.refresh_from_db(fields=["version"])
    _copy_state(locked, campaign)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        locked,
        org=locked.issuing_org,
        summary=_("发布活动“%(code)s”") % {"code": locked.code},
        changes={"status": [CampaignStatus.DRAFT, CampaignStatus.PUBLISHED], "warnings": warnings},
    )
    return warnings


@transaction.atomic
def close_campaign(actor: User | None, campaign: Campaign, *, expected_version: int | None = None) -> Campaign:
    """End a published campaign: nothing more is reported and its definition is read-only."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_version(locked, expected_version)
    if locked.status != CampaignStatus.PUBLISHED:
        raise ValidationError(_("只有已发布的活动可以结束。"), code="status")
    locked.status = CampaignStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "closed_at", "version", "updated_at"])
    locked.refresh_from_db(fields=["version"])
    _copy_state(locked, campaign)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        locked,
        org=locked.issuing_org,
        summary=_("结束活动“%(code)s”") % {"code": locked.code},
        changes={"status": [CampaignStatus.PUBLISHED, CampaignStatus.CLOSED]},
    )
    return locked


# ---------------------------------------------------------------------------------------------
# The expected reporters of a round (Round.expected_orgs)


EXPECTED_CHOICES = ("include", "exclude", "reset")


def _check_round_editable(rnd: Round) -> None:
    if rnd.campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("活动已结束，不能再修改。"), code="closed")


@transaction.atomic
def set_expected_rule(actor: User | None, rnd: Round, kinds: list[str], responsible_sections_only: bool) -> Round:
    """Change which kinds of org a round expects and whether sections must be 安全生产责任科室."""
    from safetymonth.orgs.models import OrgKind

    _check_round_editable(rnd)
    kinds = [k for k in OrgKind.values if k in kinds]
    if not kinds:
        raise ValidationError({"expected_kinds": _("请至少选择一种填报单位类型。")})
    before = {"expected_kinds": list(rnd.expected_kinds), "responsible_sections_only": rnd.responsible_sections_only}
    rnd.expected_kinds, rnd.responsible_sections_only = kinds, responsible_sections_only
    rnd.save(update_fields=["expected_kinds", "responsible_sections_only"])
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        rnd.campaign,
        org=rnd.campaign.issuing_org,
        summary=_("修改填报批次“%(round)s”的填报单位") % {"round": rnd.name},
        changes={
            "round": rnd.code,
            "before": before,
            "expected_kinds": kinds,
            "responsible_sections_only": responsible_sections_only,
        },
    )
    return rnd


@transaction.atomic
def choose_expected_org(actor: User | None, rnd: Round, org: Org, choice: str) -> None:
    """Include ``org`` in the round's expected reporters, exclude it, or reset it to the rule."""
    _check_round_editable(rnd)
    if choice not in EXPECTED_CHOICES:
        raise ValidationError(_("未知的操作。"), code="choice")
    issuing = rnd.campaign.issuing_org
    if issuing is None or not issuing.contains(org):
        raise ValidationError(_("只能选择发文单位下属的单位。"), code="outside")
    if choice == "include" and org.pk in (rnd.campaign.office_org_id, rnd.report_to_id):
        raise ValidationError(_("活动办公室（报送单位）不向自己填报。"), code="office")
    if choice == "reset":
        RoundOrgChoice.objects.filter(round=rnd, org=org).delete()
    else:
        RoundOrgChoice.objects.update_or_create(round=rnd, org=org, defaults={"included": choice == "include"})
    if choice != "exclude":
        # an org now expected gets its report at once (the reports app listens; set-based, idempotent)
        tree_changed.send(Org, paths=[org.path], actor=actor)
    labels = {"include": _("纳入"), "exclude": _("排除"), "reset": _("恢复按规则")}
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        rnd.campaign,
        org=rnd.campaign.issuing_org,
        summary=_("填报批次“%(round)s”：%(choice)s %(org)s")
        % {"round": rnd.name, "choice": labels[choice], "org": org.name},
        changes={"round": rnd.code, "org": org.name, "choice": choice},
    )


def _copy_state(source: Campaign, target: Campaign) -> None:
    """The caller's instance takes every saved column of ``source`` (the locked, saved row): not
    only the state and version but the notice's fields an edit changed, or the editor rendered
    after a save showed the old 发文字号 and 成文日期 as if they had not been saved."""
    for f in Campaign._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


# ---------------------------------------------------------------------------------------------
# Checking a report's values against the form (entry, preview)


YES, NO = "yes", "no"


@dataclass
class FormCheck:
    """Values parsed from the form's inputs (``ind-<code>``), per-indicator errors and warnings."""

    raw: dict[str, str]
    values: dict[str, int | bool | str | None]
    errors: dict[str, list[str]]
    warnings: dict[str, list[str]]

    @property
    def is_valid(self) -> bool:
        return not self.errors


def input_name(code: str) -> str:
    return f"ind-{code}"


def check_values(form: ReportForm, data: Mapping[str, Any], *, enforce_required: bool = True) -> FormCheck:
    """Parse and check the inputs ``ind-<code>`` of ``form`` in ``data`` (e.g. request.POST).

    Numbers accept full-width digits (stored as ASCII) and refuse other scripts' digits; above the
    indicator's hard bound they are refused (超出范围), above its soft bound warned
    (``safetymonth.lib.numbers``); yes/no is ``yes``/``no``. The rules are then checked over the
    parsed integers with their missing-value strategies; a failed error rule is reported at the
    first indicator of its left side, a failed warning rule in ``warnings``. What was typed is kept
    in ``raw`` so that the form can be shown again with it."""
    indicators = list(form.indicators.order_by("item__order", "order"))
    raw: dict[str, str] = {}
    values: dict[str, int | bool | str | None] = {}
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    for ind in indicators:
        text = str(data.get(input_name(ind.code), "") or "").strip()
        raw[ind.code] = text
        value, message = _parse_value(ind, text, enforce_required)
        values[ind.code] = value
        if message:
            errors.setdefault(ind.code, []).append(message)
        elif warning := soft_bound_warning(ind, value):
            warnings.setdefault(ind.code, []).append(warning)
        if ind.kind == IndicatorKind.INTEGER and value is not None and not message:
            raw[ind.code] = numbers.normalise(text)  # full-width digits are stored as ASCII
    integers = {
        ind.code: v
        for ind in indicators
        if ind.kind == IndicatorKind.INTEGER and ind.code not in errors
        for v in [values[ind.code]]
        if isinstance(v, int) and not isinstance(v, bool)
    }
    for rule in form.rules.order_by("order", "code"):
        try:
            left, right = expressions.parse(rule.left), expressions.parse(rule.right)
        except expressions.ExpressionError:
            continue  # definitions are validated on load; a broken rule never blocks a report
        if any(c in errors for c in left.codes + right.codes):
            continue
        result = expressions.check_rule(left, rule.operator, right, integers, rule.missing_value_strategy)
        if result.outcome == expressions.Outcome.FAILED:
            target = (left.codes + right.codes or ("",))[0]
            bucket = errors if rule.severity == "error" else warnings
            bucket.setdefault(target, []).append(rule.message)
    return FormCheck(raw=raw, values=values, errors=errors, warnings=warnings)


def _parse_value(ind: Indicator, text: str, enforce_required: bool) -> tuple[int | bool | str | None, str]:
    if text == "":
        return None, _("请填写“%(label)s”。") % {"label": ind.label} if ind.required and enforce_required else ""
    if ind.kind == IndicatorKind.BOOLEAN:
        if text in (YES, NO):
            return text == YES, ""
        return None, _("请选择“是”或“否”。")
    if ind.kind == IndicatorKind.TEXT:
        if ind.max_length is not None and len(text) > ind.max_length:
            return text, _("最多%(n)d个字。") % {"n": ind.max_length}
        return text, ""
    soft, hard = numbers.bounds_for(ind.unit, ind.soft_max, ind.max_value)
    parsed = numbers.parse_integer(text, minimum=ind.min_value, hard=hard)
    if parsed.problem == "other_digits":
        return None, _("请用阿拉伯数字 0–9 填写（全角数字也可以）。")
    if parsed.problem == "not_integer":
        return None, _("请输入整数。")
    if parsed.problem == "too_large":
        return None, _("超出范围：不能大于%(n)s。") % {"n": f"{hard:,}"}
    if parsed.problem == "too_small":
        return parsed.value, _("不能小于%(n)d。") % {"n": ind.min_value}
    return parsed.value, ""


def soft_bound_warning(ind: Indicator, value: object) -> str:
    """The warning for an integer above the indicator's plausible bound ("" when none)."""
    if ind.kind != IndicatorKind.INTEGER or not isinstance(value, int) or isinstance(value, bool):
        return ""
    soft, _hard = numbers.bounds_for(ind.unit, ind.soft_max, ind.max_value)
    if soft is None or value <= soft:
        return ""
    return _("数值偏大：超过%(n)s%(unit)s，请核对；如无误请填写说明。") % {"n": f"{soft:,}", "unit": ind.unit}


__all__ = [
    "DefinitionEdit",
    "DefinitionError",
    "FormCheck",
    "LoadResult",
    "Problem",
    "apply_edit",
    "campaign_to_data",
    "check_values",
    "choose_expected_org",
    "close_campaign",
    "copy_campaign",
    "dump_campaign",
    "edit_definition",
    "export_definition",
    "indicator_has_values",
    "input_name",
    "load_campaign",
    "publish_campaign",
    "publish_problems",
    "save_definition",
    "set_expected_rule",
]
