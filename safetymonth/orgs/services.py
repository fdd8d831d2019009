"""Workflows on the org tree. Each is atomic and writes an audit entry."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from safetymonth.accounts.permissions import Perm
from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import diff_fields, log_event
from safetymonth.orgs import importing, validation
from safetymonth.orgs.models import ALLOWED_PARENT_KINDS, Industry, Org, OrgKind, path_segment
from safetymonth.orgs.signals import tree_changed

if TYPE_CHECKING:
    from safetymonth.accounts.models import User

PROFILE_FIELDS = [
    "name",
    "short_name",
    "credit_code",
    "industry",
    "address",
    "contact_name",
    "phone",
    "is_active",
]


def parent_kind_message(kind: str, parent: Org | None) -> str | None:
    """Why an org of ``kind`` may not sit under ``parent`` (None when it may), from ALLOWED_PARENT_KINDS."""
    allowed = ALLOWED_PARENT_KINDS[kind]
    if (parent.kind if parent else None) in allowed:
        return None
    kind_label = OrgKind(kind).label
    labels = [str(OrgKind(k).label) for k in OrgKind.values if k in allowed]
    if parent is None:
        return _("%(kind)s必须有上级单位：请选择一个%(allowed)s。") % {
            "kind": kind_label,
            "allowed": _("或").join(labels),
        }
    if not labels:
        return _("%(kind)s只能作为顶级单位。") % {"kind": kind_label}
    return _('%(kind)s只能放在%(allowed)s之下；所选的"%(parent)s"是%(parent_kind)s。') % {
        "kind": kind_label,
        "allowed": _("或").join(labels),
        "parent": parent.display_name,
        "parent_kind": parent.get_kind_display(),
    }


def _home_orgs(actor: User) -> list[Org]:
    from safetymonth.accounts.permissions import home_orgs

    return home_orgs(actor)


def _check_parent(kind: str, parent: Org | None, moving: Org | None = None) -> None:
    message = parent_kind_message(kind, parent)
    if message:
        raise ValidationError({"parent": message})
    if moving is not None and parent is not None and moving.contains(parent):
        raise ValidationError({"parent": _("不能把单位移到它自己或它的下级单位之下。")})


@transaction.atomic
def create_org(actor: User | None, *, kind: str, parent: Org | None, **fields: Any) -> Org:
    _check_parent(kind, parent)
    org = Org(kind=kind, parent=parent, **fields)
    org.path = f"tmp-{org.public_id}"  # replaced below once the pk is known
    org.depth = (parent.depth + 1) if parent else 0
    org.full_clean(exclude=["path"])
    org.save()
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    log_event(actor, AuditEntry.Action.CREATE, org, changes={"kind": kind, "parent": str(parent or "")})
    tree_changed.send(Org, paths=[org.path], actor=actor)
    return org


@transaction.atomic
def update_org(actor: User | None, org: Org, **fields: Any) -> Org:
    before = {name: getattr(org, name) for name in fields}
    for name, value in fields.items():
        setattr(org, name, value)
    org.full_clean(exclude=["path"])
    changed = diff_fields(org, before, list(fields))
    if changed:
        org.save(update_fields=[*fields.keys(), "updated_at"])
        log_event(actor, AuditEntry.Action.UPDATE, org, changes=changed)
        if {"kind", "safety_responsible"} & set(changed):
            # the org may now be expected by an open round (kind, 安全生产责任科室): its reports come now
            tree_changed.send(Org, paths=[org.path], actor=actor)
    return org


def _rewrite_paths(org: Org, new_parent: Org) -> None:
    """Re-root ``org``'s subtree under ``new_parent``: every path and depth beneath it in one UPDATE."""
    old_path = org.path
    new_path = new_parent.path + path_segment(org.pk)
    depth_delta = new_parent.depth + 1 - org.depth
    Org.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_delta,
    )
    Org.objects.filter(pk=org.pk).update(parent=new_parent)


@transaction.atomic
def move_org(actor: User | None, org: Org, new_parent: Org) -> Org:
    """Put ``org`` and its subtree under ``new_parent``; every path beneath it is rewritten in one UPDATE."""
    if org.parent_id == new_parent.pk:
        return org
    _check_parent(org.kind, new_parent, moving=org)
    old_parent = org.parent
    _rewrite_paths(org, new_parent)
    org.refresh_from_db()
    tree_changed.send(Org, paths=[org.path], actor=actor)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        org,
        changes={"parent": [str(old_parent or ""), str(new_parent)]},
        summary=_("调整上级单位"),
    )
    return org


@transaction.atomic
def edit_org(actor: User | None, org: Org, *, parent: Org | None = None, **fields: Any) -> Org:
    """The office's full edit: profile fields, kind, and (when ``parent`` differs) a move in one step."""
    new_kind = fields.get("kind", org.kind)
    moving = parent is not None and parent.pk != org.parent_id
    if new_kind != org.kind:
        for child_kind in set(org.children.values_list("kind", flat=True)):
            if new_kind not in ALLOWED_PARENT_KINDS[child_kind]:
                raise ValidationError(
                    {
                        "kind": _("该单位下还有%(child)s，%(child)s不能放在%(kind)s之下，不能改为这个类型。")
                        % {"child": OrgKind(child_kind).label, "kind": OrgKind(new_kind).label}
                    }
                )
        if not moving:
            _check_parent(new_kind, org.parent)
    if moving:
        _check_parent(new_kind, parent, moving=org)
    update_org(actor, org, **fields)
    if moving:
        assert parent is not None
        move_org(actor, org, parent)
    return org


@transaction.atomic
def set_org_active(actor: User | None, org: Org, *, active: bool) -> Org:
    """Activate or deactivate an org; an org with active children cannot be deactivated."""
    if org.is_active == active:
        return org
    if not active:
        if actor is not None and any(org.contains(home) for home in _home_orgs(actor)):
            raise ValidationError(_("不能停用您自己所在的单位。"), code="own_org")
        n = org.children.filter(is_active=True).count()
        if n:
            raise ValidationError(
                _('"%(name)s"下还有 %(n)s 个启用的下级单位，请先停用或调走它们。') % {"name": org.name, "n": n},
                code="active_children",
            )
    if active and org.parent is not None and not org.parent.is_active:
        raise ValidationError(
            _('上级单位"%(name)s"已停用，请先启用上级单位。') % {"name": org.parent.name}, code="inactive_parent"
        )
    org.is_active = active
    org.save(update_fields=["is_active", "updated_at"])
    if active:
        tree_changed.send(Org, paths=[org.path], actor=actor)
    log_event(
        actor,
        AuditEntry.Action.UPDATE,
        org,
        changes={"is_active": [str(not active), str(active)]},
        summary=_("启用单位") if active else _("停用单位"),
    )
    return org


# --- industries -----------------------------------------------------------------------------------


def _new_industry_code(name: str) -> str:
    base = slugify(name) or "industry"
    code, n = base, 1
    while Industry.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def save_industries(actor: User | None, rows: list[tuple[Industry | None, dict[str, Any]]]) -> dict[str, int]:
    """Create (instance None) or update industries from the office's list; returns counts."""
    counts = {"created": 0, "updated": 0}
    rows = [(ind, {**fields, "name": str(fields["name"]).strip()}) for ind, fields in rows]
    names = [fields["name"] for _ind, fields in rows]
    listed = {ind.pk for ind, _fields in rows if ind is not None}
    taken = set(Industry.objects.exclude(pk__in=listed).values_list("name", flat=True))
    for name in names:
        if names.count(name) > 1 or name in taken:
            raise ValidationError({"name": _('已有名为"%(name)s"的行业，行业名称不能重复。') % {"name": name}})
    # Free every name being changed first, so that two rows may swap names.
    changing = [ind for ind, fields in rows if ind is not None and ind.name != fields["name"]]
    for ind in changing:
        Industry.objects.filter(pk=ind.pk).update(name=f"~{ind.pk}~{ind.name}"[:60])
    for industry, fields in rows:
        if industry is None:
            code = fields.get("code") or _new_industry_code(fields["name"])
            new = Industry(
                code=code,
                name=fields["name"],
                sort_order=fields.get("sort_order") or 100,
                is_active=fields.get("is_active", True),
            )
            new.full_clean()
            new.save()
            log_event(actor, AuditEntry.Action.CREATE, new, changes={"name": new.name, "code": new.code})
            counts["created"] += 1
            continue
        before = {name: getattr(industry, name) for name in ("name", "sort_order", "is_active")}
        for name in before:
            if name in fields:
                setattr(industry, name, fields[name])
        industry.full_clean()
        changed = diff_fields(industry, before, list(before))
        if changed or industry in changing:
            industry.save(update_fields=list(before))
        if changed:
            log_event(actor, AuditEntry.Action.UPDATE, industry, changes=changed)
            counts["updated"] += 1
    return counts


# --- enterprise import ----------------------------------------------------------------------------


@dataclass
class RowError:
    """One problem in one cell: the row number as Excel shows it, the column header, what was there."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class ImportResult:
    filename: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    def summary(self) -> str:
        if self.file_error:
            return self.file_error
        if self.errors:
            return _("%(n)s 处错误，没有导入任何数据。") % {"n": len(self.errors)}
        text = _("共 %(rows)s 行：新增 %(created)s 家企业，更新 %(updated)s 家，无变化 %(unchanged)s 家。") % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            text = _("检查通过，尚未导入。") + text
        return text


_UPSERT_FIELDS = ("name", "industry", "address", "contact_name", "phone")


def _read_upload(fileobj: IO[bytes], limit: int) -> bytes:
    if hasattr(fileobj, "seek"):
        with suppress(OSError, ValueError):
            fileobj.seek(0)
    data = fileobj.read(limit + 1)
    return data if isinstance(data, bytes) else bytes(data)


def _section_index(actor: User) -> dict[str, list[Org]]:
    """Sections in the actor's MANAGE_ORGS scope, by name and by short name."""
    index: dict[str, list[Org]] = {}
    sections = Org.objects.for_user(actor, Perm.MANAGE_ORGS).filter(kind=OrgKind.SECTION)
    for section in sections.only("id", "name", "short_name", "path", "depth", "is_active", "kind"):
        for key in {section.name.strip(), section.short_name.strip()} - {""}:
            index.setdefault(key, []).append(section)
    return index


def _existing_by_code(codes: list[str]) -> dict[str, Org]:
    found: dict[str, Org] = {}
    for i in range(0, len(codes), 500):
        for org in Org.objects.filter(credit_code__in=codes[i : i + 500]).select_related("parent"):
            assert org.credit_code is not None
            found[org.credit_code] = org
    return found


def import_enterprises(actor: User, fileobj: IO[bytes], filename: str, *, dry_run: bool = False) -> ImportResult:
    """Create or update enterprises from an .xlsx or .csv sheet; all rows or none.

    Rows are matched to existing enterprises by credit code (upsert). Every problem is reported
    with its row, column and value; with any problem nothing is written."""
    from safetymonth.accounts import permissions as perms

    perms.require(actor, Perm.IMPORT_ORGS)
    result = ImportResult(filename=filename, dry_run=dry_run)
    limit = settings.IMPORT_MAX_BYTES
    data = _read_upload(fileobj, limit)
    if len(data) > limit:
        result.file_error = _("文件太大：最大 %(mb)s MB。请分成几个文件导入。") % {"mb": f"{limit / 1024 / 1024:g}"}
        return result
    try:
        table = importing.read_table(data, filename)
    except importing.ImportFileError as exc:
        result.file_error = exc.message
        return result
    result.rows = len(table.rows)

    def header(key: str) -> str:
        return table.headers.get(key) or importing.COLUMN_BY_KEY[key].header

    def error(row: int, key: str, value: str, message: str) -> None:
        result.errors.append(RowError(row, header(key), value, message))

    sections = _section_index(actor)
    industries_active = {i.name: i for i in Industry.objects.filter(is_active=True)}
    industries_inactive = set(Industry.objects.filter(is_active=False).values_list("name", flat=True))
    max_len: dict[str, int] = {
        key: int(getattr(Org._meta.get_field(key), "max_length", 0) or 0) for key in ("name", "address", "contact_name")
    }

    parsed: list[tuple[int, dict[str, Any]]] = []
    code_rows: dict[str, list[int]] = {}
    for number, record in table.rows:
        values: dict[str, Any] = {}
        row_ok = True
        name = record.get("name", "")
        if not name:
            error(number, "name", name, _("企业名称必须填写。"))
            row_ok = False
        elif len(name) > max_len["name"]:
            error(number, "name", name, _("企业名称最多 %(n)s 个字。") % {"n": max_len["name"]})
            row_ok = False
        values["name"] = name

        raw_code = record.get("credit_code", "")
        try:
            code = validation.clean_credit_code(raw_code)
        except ValidationError as exc:
            error(number, "credit_code", raw_code, exc.messages[0])
            row_ok = False
            code = None
        else:
            if code is None:
                error(number, "credit_code", raw_code, _("统一社会信用代码必须填写。"))
                row_ok = False
            else:
                code_rows.setdefault(code, []).append(number)
        values["credit_code"] = code

        industry_name = record.get("industry", "")
        if not industry_name:
            error(number, "industry", industry_name, _("所属行业必须填写。"))
            row_ok = False
        elif industry_name in industries_active:
            values["industry"] = industries_active[industry_name]
        elif industry_name in industries_inactive:
            error(
                number,
                "industry",
                industry_name,
                _("该行业已停用，请改填：%(names)s。") % {"names": "、".join(industries_active)},
            )
            row_ok = False
        else:
            error(
                number,
                "industry",
                industry_name,
                _("没有这个行业，请填写：%(names)s。") % {"names": "、".join(industries_active)},
            )
            row_ok = False

        section_name = record.get("section", "")
        matches = sections.get(section_name, []) if section_name else []
        if not section_name:
            error(number, "section", section_name, _("监管科室必须填写。"))
            row_ok = False
        elif not matches:
            error(number, "section", section_name, _("在您管理的范围内没有这个科室，请填写科室的全称或简称。"))
            row_ok = False
        elif len(matches) > 1:
            error(number, "section", section_name, _("有多个科室叫这个名字，请填写科室全称。"))
            row_ok = False
        elif not matches[0].is_active:
            error(number, "section", section_name, _("该科室已停用。"))
            row_ok = False
        else:
            values["section"] = matches[0]

        for key in ("address", "contact_name"):
            text = record.get(key, "")
            limit_len = max_len[key]
            if len(text) > limit_len:
                error(number, key, text, _("最多 %(n)s 个字。") % {"n": limit_len})
                row_ok = False
            values[key] = text
        raw_phone = record.get("phone", "")
        try:
            values["phone"] = validation.clean_phone(raw_phone)
        except ValidationError as exc:
            error(number, "phone", raw_phone, exc.messages[0])
            row_ok = False
        if row_ok:
            parsed.append((number, values))

    for code, numbers in code_rows.items():
        if len(numbers) > 1:
            for n in numbers:
                others = "、".join(str(m) for m in numbers if m != n)
                error(
                    n,
                    "credit_code",
                    code,
                    _("该统一社会信用代码在文件中重复出现（另见第 %(rows)s 行）。") % {"rows": others},
                )
    existing = _existing_by_code(sorted(code_rows))
    plan_create: list[dict[str, Any]] = []
    plan_update: list[tuple[Org, dict[str, Any]]] = []
    duplicated = {code for code, numbers in code_rows.items() if len(numbers) > 1}
    for number, values in parsed:
        code = values["credit_code"]
        if code in duplicated:
            continue
        holder = existing.get(code)
        if holder is None:
            plan_create.append(values)
        elif not perms.can(actor, Perm.MANAGE_ORGS, holder):
            error(number, "credit_code", code, validation.credit_code_taken_message(actor, holder))
        elif holder.kind != OrgKind.ENTERPRISE:
            error(
                number,
                "credit_code",
                code,
                _('该统一社会信用代码属于%(kind)s"%(name)s"，不是企业。')
                % {
                    "kind": holder.get_kind_display(),
                    "name": holder.name,
                },
            )
        else:
            plan_update.append((holder, values))

    if result.errors:
        order = {header(c.key): i for i, c in enumerate(importing.COLUMNS)}
        result.errors.sort(key=lambda e: (e.row, order.get(e.column, 99)))
        return result

    now = timezone.now()
    updates: list[Org] = []
    moves: list[tuple[Org, Org]] = []
    for org, values in plan_update:
        changed = False
        for key in _UPSERT_FIELDS:
            new = values.get(key)
            if key in ("address", "contact_name", "phone") and not new:
                continue  # a blank optional cell keeps what is there
            if getattr(org, key) != new:
                setattr(org, key, new)
                changed = True
        if org.parent_id != values["section"].pk:
            moves.append((org, values["section"]))
            changed = True
        if changed:
            org.updated_at = now
            updates.append(org)
        else:
            result.unchanged += 1
    result.created = len(plan_create)
    result.updated = len(updates)
    result.moved = len(moves)
    if dry_run:
        return result
    try:
        with transaction.atomic():
            new_orgs = [
                Org(
                    kind=OrgKind.ENTERPRISE,
                    parent=values["section"],
                    depth=values["section"].depth + 1,
                    name=values["name"],
                    credit_code=values["credit_code"],
                    industry=values["industry"],
                    address=values["address"],
                    contact_name=values["contact_name"],
                    phone=values["phone"],
                )
                for values in plan_create
            ]
            for org in new_orgs:
                org.path = f"tmp-{org.public_id}"
            Org.objects.bulk_create(new_orgs, batch_size=500)
            if any(org.pk is None for org in new_orgs):  # backends that return no ids
                pks = dict(
                    Org.objects.filter(public_id__in=[o.public_id for o in new_orgs]).values_list("public_id", "pk")
                )
                for org in new_orgs:
                    org.pk = pks[org.public_id]
            for org in new_orgs:
                assert org.parent is not None
                org.path = org.parent.path + path_segment(org.pk)
            Org.objects.bulk_update(new_orgs, ["path"], batch_size=500)
            Org.objects.bulk_update(
                updates, ["name", "industry", "address", "contact_name", "phone", "updated_at"], batch_size=500
            )
            for org, section in moves:
                _rewrite_paths(org, section)
            # the sections that gained enterprises: their subtrees may now owe reports
            gained = {org.parent.path for org in new_orgs if org.parent} | {section.path for _org, section in moves}
            tree_changed.send(Org, paths=sorted(gained), actor=actor)
            log_event(
                actor,
                AuditEntry.Action.IMPORT,
                None,
                summary=_("导入监管企业：新增 %(created)s，更新 %(updated)s（调整科室 %(moved)s）")
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "moved": result.moved,
                },
                changes={
                    "file": filename[:200],
                    "rows": result.rows,
                    "created": result.created,
                    "updated": result.updated,
                    "moved": result.moved,
                    "unchanged": result.unchanged,
                },
            )
    except IntegrityError:
        result.created = result.updated = result.moved = result.unchanged = 0
        result.file_error = _("导入时数据被其他人同时修改（例如同一信用代码刚被录入），没有导入任何数据。请重新上传。")
    return result


def import_template(actor: User, fmt: str) -> tuple[bytes, str, str]:
    """The file to fill in: (content, content type, file name). The help sheet lists what may be used."""
    from safetymonth.accounts import permissions as perms

    perms.require(actor, Perm.IMPORT_ORGS)
    industries = list(Industry.objects.filter(is_active=True).values_list("name", flat=True))
    sections = list(
        Org.objects.for_user(actor, Perm.MANAGE_ORGS)
        .filter(kind=OrgKind.SECTION, is_active=True)
        .values_list("name", flat=True)
    )
    if fmt == "xlsx":
        return (
            importing.template_xlsx(industries, sections),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "enterprise-import-template.xlsx",
        )
    if fmt == "csv":
        return importing.template_csv(industries, sections), "text/csv; charset=utf-8", "enterprise-import-template.csv"
    raise ValueError(fmt)
