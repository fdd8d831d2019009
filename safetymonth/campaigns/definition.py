"""Campaign definition files: parsing YAML with line numbers, validating against the JSON Schema and
the semantic rules, the canonical form (what ``dump_campaign`` writes) and the difference between two
definitions. No database access here; ``services.py`` applies a definition to the database.

See docs/campaign-definition.md for the format.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from safetymonth.lib import blanks, expressions

SCHEMA_PATH = Path(__file__).parent / "definitions" / "campaign-definition.schema.json"
DEFINITIONS_DIR = Path(__file__).parent / "definitions"
HEADER = (
    "# SafetyMonth campaign definition (活动定义文件). Format: docs/campaign-definition.md;\n"
    "# schema: docs/campaign-definition.schema.json. Load with: manage.py load_campaign FILE\n"
)
LOCAL_TZ = ZoneInfo("Asia/Shanghai")

PathT = tuple[str | int, ...]

# ---------------------------------------------------------------------------------------------
# YAML with timestamps kept as strings (dates are validated by the schema, and a date read back
# is written back exactly as it was)

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _without_timestamps(resolvers: dict[Any, list[tuple[str, Any]]]) -> dict[Any, list[tuple[str, Any]]]:
    return {k: [(tag, rx) for tag, rx in v if tag != _TIMESTAMP] for k, v in resolvers.items()}


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.yaml_implicit_resolvers = _without_timestamps(yaml.SafeLoader.yaml_implicit_resolvers)
_Dumper.yaml_implicit_resolvers = _without_timestamps(yaml.SafeDumper.yaml_implicit_resolvers)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


# ---------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Problem:
    """One error in a definition: where (line, column, field path) and what (a Chinese message)."""

    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(_("第%(line)d行") % {"line": self.line})
        if self.path:
            where.append(self.path)
        return ("，".join(where) + "：" if where else "") + self.message


class DefinitionError(Exception):
    """The definition cannot be loaded; ``problems`` says every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def format_path(path: PathT) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class Located:
    """Maps a field path to its line and column in the YAML text (from the composed node tree)."""

    def __init__(self, node: yaml.Node | None) -> None:
        self.node = node

    def find(self, path: PathT, *, key: bool = False) -> yaml.Node | None:
        """The deepest node on ``path`` (the key's node instead of its value when ``key``)."""
        node = self.node
        if node is None:
            return None
        for i, part in enumerate(path):
            last = i == len(path) - 1
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == part:
                        node = k if (last and key) else v
                        break
                else:
                    return node
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                return node
        return node

    def problem(self, path: PathT, message: str, *, key: bool = False, offset: int | None = None) -> Problem:
        node = self.find(path, key=key)
        line = column = None
        if node is not None:
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
            if offset is not None and isinstance(node, yaml.ScalarNode):
                line, column = _text_position(node, offset)
        return Problem(line, column, format_path(path), message)


def _text_position(node: yaml.ScalarNode, offset: int) -> tuple[int, int]:
    """Line and column of character ``offset`` of a scalar's value (exact for block and plain
    one-line scalars, the scalar's start otherwise)."""
    start = node.start_mark
    if node.style in ("|", ">"):
        value: str = node.value
        before = value[:offset]
        line_in = before.count("\n")
        # a block scalar's content starts on the line after the indicator, indented
        buffer = start.buffer or ""
        first = start.line + 1
        lines = buffer.split("\n") if buffer else []
        indent = len(lines[first]) - len(lines[first].lstrip(" ")) if first < len(lines) else 0
        col = len(before) - (before.rfind("\n") + 1)
        return first + line_in + 1, indent + col + 1
    if node.style is None and "\n" not in node.value:
        return start.line + 1, start.column + offset + 1
    return start.line + 1, start.column + 1


def parse_yaml(text: str) -> tuple[Any, Located]:
    """The data and its node tree; malformed YAML raises DefinitionError with the parser's position."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(s) for s in (exc.context, exc.problem) if s)
        raise DefinitionError(
            [
                Problem(
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                    "",
                    _("YAML 格式错误（第%(line)d行第%(column)d列）：%(detail)s")
                    % {
                        "line": mark.line + 1 if mark else 0,
                        "column": mark.column + 1 if mark else 0,
                        "detail": detail,
                    },
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:
        raise DefinitionError([Problem(None, None, "", _("YAML 格式错误：%(detail)s") % {"detail": exc})]) from exc
    finally:
        loader.dispose()
    located = Located(node)
    problems = list(_duplicate_keys(node, (), located))
    if problems:
        raise DefinitionError(problems)
    return data, located


def _duplicate_keys(node: yaml.Node | None, path: PathT, located: Located) -> Iterator[Problem]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            name = k.value if isinstance(k, yaml.ScalarNode) else ""
            if name in seen:
                yield Problem(
                    k.start_mark.line + 1,
                    k.start_mark.column + 1,
                    format_path((*path, name)),
                    _("键“%(key)s”重复出现。") % {"key": name},
                )
            seen.add(name)
            yield from _duplicate_keys(v, (*path, name), located)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            yield from _duplicate_keys(child, (*path, i), located)


# ---------------------------------------------------------------------------------------------
# Schema


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


_TYPE_NAMES = {
    "string": "文本",
    "integer": "整数",
    "boolean": "true 或 false",
    "array": "列表",
    "object": "键值映射",
    "null": "空",
}


def _schema_message(error: jsonschema.ValidationError) -> tuple[PathT, str, bool]:
    """(path, Chinese message, point at the key) for one schema error."""
    path: PathT = tuple(error.absolute_path)
    v = error.validator
    last = path[-1] if path else ""
    if v == "required":
        props = [p for p in error.validator_value if isinstance(error.instance, dict) and p not in error.instance]
        return path, _("缺少必填项“%(key)s”。") % {"key": props[0] if props else ""}, False
    if v == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed) if isinstance(error.instance, dict) else []
        key = extra[0] if extra else ""
        return (
            (*path, key),
            _("未知的键“%(key)s”；允许的键：%(allowed)s。")
            % {"key": key, "allowed": "、".join(error.schema["properties"])},
            True,
        )
    if v == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        names = "或".join(_TYPE_NAMES.get(str(t), str(t)) for t in types)
        return path, _("应为%(type)s。") % {"type": names}, False
    if v == "enum":
        return (
            path,
            _("“%(value)s”不是允许的取值；可选：%(choices)s。")
            % {"value": error.instance, "choices": "、".join(str(c) for c in error.validator_value)},
            False,
        )
    if v == "pattern":
        if last == "deadline":
            message = _("截止时间应写成“2021-06-28T23:59:59+08:00”（日期、时间和时区）。")
        elif last in ("issue_date", "printed_date", "start", "end"):
            message = _("日期应写成“YYYY-MM-DD”，例如 2021-06-02。")
        elif last == "url":
            message = _("链接应以 http:// 或 https:// 开头。")
        elif path == ("code",):
            message = _("活动代码只能包含小写字母、数字和连字符，例如 dadukou-commerce-2021。")
        else:
            message = _("代码“%(value)s”不合规：只能包含小写字母、数字和下划线，并以小写字母开头。") % {
                "value": error.instance
            }
        return path, message, False
    if v == "format":
        return path, _("“%(value)s”不是有效的日期。") % {"value": error.instance}, False
    if v == "minLength":
        return path, _("不能为空。"), False
    if v == "maxLength":
        return path, _("最多%(n)d个字符。") % {"n": error.validator_value}, False
    if v == "minimum":
        return path, _("不能小于%(n)s。") % {"n": error.validator_value}, False
    if v == "maximum":
        return path, _("不能大于%(n)s。") % {"n": error.validator_value}, False
    if v == "minItems":
        return path, _("至少需要%(n)d项。") % {"n": error.validator_value}, False
    if v == "uniqueItems":
        return path, _("不能有重复项。"), False
    return path, error.message, False


def schema_problems(data: Any, located: Located) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        path, message, key = _schema_message(error)
        problems.append(located.problem(path, message, key=key))
    return _sorted(problems)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path))


# ---------------------------------------------------------------------------------------------
# Canonical form: every key in a fixed order, defaults filled in, empty optional keys left out.


def parse_deadline(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(value)
    return parsed


def format_deadline(value: dt.datetime) -> str:
    return value.astimezone(LOCAL_TZ).isoformat(timespec="seconds")


def _opt(out: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, ""):
        out[key] = value


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """The canonical form of a schema-valid definition (``dump`` writes exactly this)."""
    out: dict[str, Any] = {"code": data["code"], "year": data["year"], "title": data["title"]}
    out["theme"] = data.get("theme", "")
    out["doc_number"] = data.get("doc_number", "")
    _opt(out, "issuing_org", data.get("issuing_org"))
    out["issuer_name"] = data.get("issuer_name", "")
    _opt(out, "issue_date", data.get("issue_date"))
    out["addressees"] = data.get("addressees", "")
    out["preamble"] = data.get("preamble", "")
    out["cited_documents"] = []
    for doc in data.get("cited_documents", []):
        d = {"title": doc["title"]}
        _opt(d, "doc_number", doc.get("doc_number"))
        out["cited_documents"].append(d)
    out["periods"] = []
    for p in data.get("periods", []):
        d = {"code": p["code"], "name": p["name"], "start": p["start"], "end": p["end"]}
        _opt(d, "note", p.get("note"))
        out["periods"].append(d)
    out["approach"] = data.get("approach", "")
    out["contents_heading"] = data.get("contents_heading", "")
    out["contents"] = [{"title": c["title"], "text": c.get("text", "")} for c in data.get("contents", [])]
    out["requirements"] = [{"title": c["title"], "text": c.get("text", "")} for c in data.get("requirements", [])]
    out["leadership_group_name"] = data.get("leadership_group_name", "")
    out["leadership"] = []
    for m in data.get("leadership", []):
        d = {"position": m["position"], "description": m["description"]}
        _opt(d, "name", m.get("name"))
        out["leadership"].append(d)
    out["office"] = data.get("office", "")
    out["closing"] = data.get("closing", "")
    materials = data.get("materials", {})
    out["materials"] = {k: materials.get(k, "") for k in ("label", "url", "code")}
    contact = data.get("contact", {})
    out["contact"] = {k: contact.get(k, "") for k in ("name", "phone")}
    out["forms"] = [_canonical_form(f) for f in data.get("forms", [])]
    slogans = data.get("slogans", {})
    out["slogans"] = {k: slogans.get(k, "") for k in ("attachment_title", "heading", "note")}
    out["slogans"]["items"] = list(slogans.get("items", []))
    out["printed_by"] = data.get("printed_by", "")
    _opt(out, "printed_date", data.get("printed_date"))
    out["rounds"] = []
    for r in data.get("rounds", []):
        d = {"code": r["code"], "name": r["name"], "form": r["form"]}
        try:
            d["deadline"] = format_deadline(parse_deadline(r["deadline"]))
        except ValueError:
            d["deadline"] = r["deadline"]
        _opt(d, "report_to", r.get("report_to"))
        d["expected_kinds"] = list(r.get("expected_kinds", ["section"]))
        if r.get("responsible_sections_only"):
            d["responsible_sections_only"] = True
        d["lock_at_deadline"] = bool(r.get("lock_at_deadline", False))
        out["rounds"].append(d)
    # Event types (issue 7) come last and only when there are any, so that a definition without
    # them is written exactly as before.
    event_types = []
    for t in data.get("event_types", []):
        d = {"code": t["code"], "name": t["name"]}
        for key in ("description", "count", "participants"):
            _opt(d, key, t.get(key))
        event_types.append(d)
    if event_types:
        out["event_types"] = event_types
    # Ledger figures (issue 14) likewise, in the order of LEDGER_FIGURES.
    ledger = data.get("ledger_figures") or {}
    if ledger:
        out["ledger_figures"] = {k: ledger[k] for k in LEDGER_FIGURES if ledger.get(k)} | {
            k: v for k, v in ledger.items() if k not in LEDGER_FIGURES
        }
    return out


def _canonical_form(f: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": f["code"],
        "attachment_label": f.get("attachment_label", ""),
        "title": f["title"],
        "header_fields": list(f.get("header_fields", [])),
        "items": [],
        "rules": [],
    }
    for item in f.get("items", []):
        d: dict[str, Any] = {
            "code": item["code"],
            "title": item["title"],
            "requirement": item.get("requirement", ""),
            "progress_text": item["progress_text"],
            "indicators": [],
        }
        for ind in item.get("indicators", []):
            i: dict[str, Any] = {"code": ind["code"], "kind": ind["kind"]}
            _opt(i, "unit", ind.get("unit"))
            i["label"] = ind["label"]
            i["required"] = bool(ind.get("required", False))
            for key in ("min_value", "max_value", "soft_max", "max_length"):
                _opt(i, key, ind.get(key))
            d["indicators"].append(i)
        out["items"].append(d)
    for rule in f.get("rules", []):
        out["rules"].append(
            {
                "code": rule["code"],
                "left": rule["left"],
                "operator": rule["operator"],
                "right": rule["right"],
                "message": rule["message"],
                "missing_value_strategy": rule.get("missing_value_strategy", "skip_if_any_missing"),
                "severity": rule.get("severity", "error"),
            }
        )
    return out


def to_yaml(data: dict[str, Any]) -> str:
    """The YAML text of a canonical definition (the header comment, then the data)."""
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=False,
        indent=2,
    )
    return HEADER + body


# ---------------------------------------------------------------------------------------------
# Semantic checks (after the schema): unique codes, blanks, rules, dates, bounds


# gettext_noop: extracted into the catalogue here, translated where the message is built.
_EXPR_REASONS = {
    expressions.Reason.EMPTY: gettext_noop("表达式为空"),
    expressions.Reason.TOO_LONG: gettext_noop("表达式过长"),
    expressions.Reason.TOO_DEEP: gettext_noop("括号嵌套过深"),
    expressions.Reason.BAD_CHARACTER: gettext_noop("不允许的字符“%(token)s”（只能使用整数、指标代码、+ - *、括号）"),
    expressions.Reason.BAD_CODE: gettext_noop("“%(token)s”不是合规的指标代码"),
    expressions.Reason.UNEXPECTED_TOKEN: gettext_noop("此处不应出现“%(token)s”"),
    expressions.Reason.UNEXPECTED_END: gettext_noop("表达式不完整"),
    expressions.Reason.UNCLOSED_PARENTHESIS: gettext_noop("括号未闭合"),
    expressions.Reason.UNKNOWN_CODE: gettext_noop("指标“%(token)s”不存在"),
}

_BLANK_REASONS = {
    blanks.Reason.UNCLOSED: gettext_noop("“[[”没有对应的“]]”"),
    blanks.Reason.STRAY_CLOSE: gettext_noop("“]]”没有对应的“[[”"),
    blanks.Reason.BAD_CODE: gettext_noop(
        "空白中的“%(token)s”不是合规的指标代码（小写字母开头，只含小写字母、数字、下划线）"
    ),
}


def expression_message(error: expressions.ExpressionError) -> str:
    reason = _(_EXPR_REASONS[error.reason]) % {"token": error.token}
    return _("表达式第%(position)d个字符处：%(reason)s。") % {"position": error.position + 1, "reason": reason}


def blank_message(error: blanks.BlankError) -> str:
    reason = _(_BLANK_REASONS[error.reason]) % {"token": error.token}
    return _("进展情况第%(position)d个字符处：%(reason)s。") % {"position": error.position + 1, "reason": reason}


def _dupes(located: Located, entries: list[tuple[PathT, str]], what: str) -> Iterator[Problem]:
    seen: dict[str, PathT] = {}
    for path, code in entries:
        if code in seen:
            yield located.problem(
                path,
                _("%(what)s代码“%(code)s”重复（首次出现在%(first)s）。")
                % {"what": what, "code": code, "first": format_path(seen[code])},
            )
        else:
            seen[code] = path


def semantic_problems(data: dict[str, Any], located: Located) -> list[Problem]:
    """Problems the schema cannot see. ``data`` must be schema-valid."""
    problems: list[Problem] = []
    add = problems.append

    for i, p in enumerate(data.get("periods", [])):
        if p["end"] < p["start"]:
            add(located.problem(("periods", i, "end"), _("结束日期不能早于开始日期。")))
    problems += _dupes(
        located, [(("periods", i, "code"), p["code"]) for i, p in enumerate(data.get("periods", []))], _("时段")
    )

    forms = data.get("forms", [])
    problems += _dupes(located, [(("forms", i, "code"), f["code"]) for i, f in enumerate(forms)], _("统计表"))
    form_kinds: dict[str, dict[str, str]] = {}
    for fi, form in enumerate(forms):
        base: PathT = ("forms", fi)
        items = form["items"]
        problems += _dupes(
            located, [((*base, "items", ii, "code"), it["code"]) for ii, it in enumerate(items)], _("活动项目")
        )
        ind_entries = [
            ((*base, "items", ii, "indicators", k, "code"), ind["code"])
            for ii, it in enumerate(items)
            for k, ind in enumerate(it.get("indicators", []))
        ]
        problems += _dupes(located, ind_entries, _("指标"))
        kinds = {ind["code"]: ind["kind"] for it in items for ind in it.get("indicators", [])}
        form_kinds[form["code"]] = kinds
        for ii, item in enumerate(items):
            problems += _item_problems(located, (*base, "items", ii), item)
        rules = form.get("rules", [])
        problems += _dupes(
            located, [((*base, "rules", r, "code"), rule["code"]) for r, rule in enumerate(rules)], _("规则")
        )
        for r, rule in enumerate(rules):
            for side in ("left", "right"):
                problems += _expression_problems(located, (*base, "rules", r, side), rule[side], kinds)

    rounds = data.get("rounds", [])
    problems += _dupes(located, [(("rounds", i, "code"), r["code"]) for i, r in enumerate(rounds)], _("填报批次"))
    for i, rnd in enumerate(rounds):
        if rnd["form"] not in form_kinds:
            add(
                located.problem(
                    ("rounds", i, "form"),
                    _("统计表“%(code)s”不存在；可选：%(codes)s。")
                    % {"code": rnd["form"], "codes": "、".join(form_kinds) or _("（无）")},
                )
            )
        try:
            parse_deadline(rnd["deadline"])
        except ValueError:
            add(
                located.problem(
                    ("rounds", i, "deadline"), _("“%(value)s”不是有效的时间。") % {"value": rnd["deadline"]}
                )
            )
    problems += _event_type_problems(located, data)
    problems += _ledger_problems(located, data)
    return _sorted(problems)


# Figures the hazard ledger gives a form (issue 14), each with the indicator kind it fills.
LEDGER_FIGURES: dict[str, str] = {
    "hazards_found": "integer",
    "hazards_rectified": "integer",
    "exposures_published": "integer",
    "typical_cases": "text",
}


def _ledger_problems(located: Located, data: dict[str, Any]) -> Iterator[Problem]:
    """Ledger figures: known names; each names an indicator of the right kind in exactly one form,
    not also filled by an event type (its figure would come from two places)."""
    ledger = data.get("ledger_figures") or {}
    found: dict[str, list[str]] = {}
    for form in data.get("forms", []):
        for item in form["items"]:
            for ind in item.get("indicators", []):
                found.setdefault(ind["code"], []).append(ind["kind"])
    by_events = {t.get(k) for t in data.get("event_types", []) for k in ("count", "participants")} - {None}
    seen: set[str] = set()
    for name, code in ledger.items():
        path: PathT = ("ledger_figures", name)
        if name not in LEDGER_FIGURES:
            yield located.problem(
                path,
                _("“%(name)s”不是隐患台账的数字；可选：%(names)s。")
                % {"name": name, "names": "、".join(LEDGER_FIGURES)},
            )
            continue
        kinds = found.get(code)
        if not kinds:
            yield located.problem(path, _("指标“%(code)s”不存在：请填写统计表中指标的代码。") % {"code": code})
        elif len(kinds) > 1:
            yield located.problem(path, _("指标代码“%(code)s”在多个统计表中出现，无法确定是哪一个。") % {"code": code})
        elif kinds[0] != LEDGER_FIGURES[name]:
            yield located.problem(
                path,
                _("“%(name)s”只能计入%(kind)s指标；“%(code)s”不是。")
                % {"name": name, "kind": _("整数") if LEDGER_FIGURES[name] == "integer" else _("文字"), "code": code},
            )
        elif code in by_events or code in seen:
            yield located.problem(path, _("指标“%(code)s”已由其他数字计入，一个指标只能有一个来源。") % {"code": code})
        seen.add(code)


def _event_type_problems(located: Located, data: dict[str, Any]) -> Iterator[Problem]:
    """Event types: unique codes; each mapping names an integer indicator of the campaign's forms,
    found in exactly one form; no indicator is filled by two mappings (its figure would be counted
    twice)."""
    types = data.get("event_types", [])
    yield from _dupes(located, [(("event_types", i, "code"), t["code"]) for i, t in enumerate(types)], _("活动类型"))
    found: dict[str, list[str]] = {}
    for form in data.get("forms", []):
        for item in form["items"]:
            for ind in item.get("indicators", []):
                found.setdefault(ind["code"], []).append(ind["kind"])
    mapped: dict[str, PathT] = {}
    for i, t in enumerate(types):
        for key in ("count", "participants"):
            code = t.get(key)
            if not code:
                continue
            path: PathT = ("event_types", i, key)
            kinds = found.get(code)
            if not kinds:
                yield located.problem(path, _("指标“%(code)s”不存在：请填写统计表中整数指标的代码。") % {"code": code})
                continue
            if len(kinds) > 1:
                yield located.problem(
                    path, _("指标代码“%(code)s”在多个统计表中出现，无法确定是哪一个。") % {"code": code}
                )
                continue
            if kinds[0] != "integer":
                yield located.problem(path, _("活动记录只能计入整数指标；“%(code)s”不是整数指标。") % {"code": code})
                continue
            if code in mapped:
                yield located.problem(
                    path,
                    _("指标“%(code)s”已由%(first)s计入，一个指标只能由一种活动类型的一项数字计入。")
                    % {"code": code, "first": format_path(mapped[code])},
                )
                continue
            mapped[code] = path


def _item_problems(located: Located, path: PathT, item: dict[str, Any]) -> Iterator[Problem]:
    indicators = item.get("indicators", [])
    for k, ind in enumerate(indicators):
        ipath = (*path, "indicators", k)
        kind = ind["kind"]
        if kind != "integer":
            for key in ("min_value", "max_value", "soft_max", "unit"):
                if ind.get(key) not in (None, ""):
                    yield located.problem((*ipath, key), _("只有整数指标可以设置“%(key)s”。") % {"key": key}, key=True)
        if kind != "text" and ind.get("max_length") is not None:
            yield located.problem((*ipath, "max_length"), _("只有文本指标可以设置“max_length”。"), key=True)
        lo, hi = ind.get("min_value"), ind.get("max_value")
        if lo is not None and hi is not None and lo > hi:
            yield located.problem((*ipath, "max_value"), _("最大值不能小于最小值（%(min)d）。") % {"min": lo})
        soft = ind.get("soft_max")
        if soft is not None and hi is not None and soft > hi:
            yield located.problem((*ipath, "soft_max"), _("提示上限不能大于最大值（%(max)d）。") % {"max": hi})
    try:
        marker_codes = blanks.codes(item["progress_text"])
    except blanks.BlankError as exc:
        yield located.problem((*path, "progress_text"), blank_message(exc), offset=exc.position)
        return
    declared = [ind["code"] for ind in indicators]
    seen: set[str] = set()
    for code in marker_codes:
        if code in seen:
            yield located.problem(
                (*path, "progress_text"), _("空白[[%(code)s]]在进展情况中出现了多次。") % {"code": code}
            )
        seen.add(code)
        if code not in declared:
            yield located.problem(
                (*path, "progress_text"),
                _("进展情况中的空白[[%(code)s]]没有对应的指标：请在本项目的 indicators 中定义它。") % {"code": code},
            )
    for k, code in enumerate(declared):
        if code not in marker_codes:
            yield located.problem(
                (*path, "indicators", k, "code"),
                _("指标“%(code)s”在进展情况中没有对应的空白：请在 progress_text 中它所在的位置写 [[%(code)s]]。")
                % {"code": code},
            )
    unique_markers = list(dict.fromkeys(marker_codes))
    if set(unique_markers) == set(declared) and len(declared) == len(set(declared)) and unique_markers != declared:
        yield located.problem(
            (*path, "indicators"),
            _("指标的顺序须与进展情况中空白的顺序一致：%(order)s。") % {"order": "、".join(unique_markers)},
        )


def _expression_problems(located: Located, path: PathT, text: str, kinds: dict[str, str]) -> Iterator[Problem]:
    try:
        expr = expressions.parse(text)
        expressions.check_codes(expr, frozenset(kinds))
    except expressions.ExpressionError as exc:
        yield located.problem(path, expression_message(exc), offset=exc.position)
        return
    for code in expr.codes:
        if kinds[code] != "integer":
            yield located.problem(path, _("规则只能使用整数指标；“%(code)s”不是整数指标。") % {"code": code})


def _plain(value: Any) -> Any:
    """Dates and times given as Python objects (a definition built in code) as ISO text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def validate(data: Any, located: Located) -> dict[str, Any]:
    """The canonical definition, or DefinitionError with every problem found."""
    data = _plain(data)
    problems = schema_problems(data, located)
    if problems:
        raise DefinitionError(problems)
    problems = semantic_problems(data, located)
    if problems:
        raise DefinitionError(problems)
    return canonical(data)


def read(text: str) -> tuple[dict[str, Any], Located]:
    """Parse and validate a definition's YAML text."""
    data, located = parse_yaml(text)
    if data is None:
        raise DefinitionError([Problem(1, 1, "", _("文件为空。"))])
    return validate(data, located), located


# ---------------------------------------------------------------------------------------------
# Differences (for the publishing lock, the has-values check and the audit entry)


@dataclass
class Change:
    """One difference: ``what`` is e.g. "indicator", ``code`` its code, ``fields`` what changed."""

    what: str
    code: str
    action: str  # "added", "removed", "changed"
    fields: list[str] = field(default_factory=list)
    path: PathT = ()

    def describe(self) -> str:
        names = {
            "form": _("统计表"),
            "item": _("活动项目"),
            "indicator": _("指标"),
            "rule": _("规则"),
            "round": _("填报批次"),
            "event_type": _("活动类型"),
            "campaign": _("活动"),
        }
        actions = {"added": _("新增"), "removed": _("删除"), "changed": _("修改")}
        text = f"{actions[self.action]}{names.get(self.what, self.what)}“{self.code}”"
        if self.fields:
            text += "（" + "、".join(self.fields) + "）"
        return text


def _by_code(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in rows}


def _changed_fields(old: dict[str, Any], new: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    keys = [k for k in dict.fromkeys([*old, *new]) if k not in skip]
    return [k for k in keys if old.get(k) != new.get(k)]


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changes from canonical ``old`` to canonical ``new`` (forms, items, indicators, rules,
    rounds by code; other campaign keys by name)."""
    changes: list[Change] = []
    own = ("forms", "rounds", "event_types")
    simple = [k for k in new if k not in own]
    fields = [k for k in dict.fromkeys([*old, *simple]) if k not in own and old.get(k) != new.get(k)]
    if fields:
        changes.append(Change("campaign", new["code"], "changed", fields))
    old_forms, new_forms = _by_code(old.get("forms", [])), _by_code(new.get("forms", []))
    for fi, (code, form) in enumerate(new_forms.items()):
        base: PathT = ("forms", fi)
        if code not in old_forms:
            changes.append(Change("form", code, "added", path=base))
            old_form: dict[str, Any] = {"items": [], "rules": []}
        else:
            old_form = old_forms[code]
            f = _changed_fields(old_form, form, skip=("items", "rules"))
            if [i["code"] for i in old_form["items"]] != [i["code"] for i in form["items"]]:
                f.append("items")
            if f:
                changes.append(Change("form", code, "changed", f, base))
        old_items, old_inds = (
            _by_code(old_form["items"]),
            {ind["code"]: (ind, it["code"]) for it in old_form["items"] for ind in it["indicators"]},
        )
        for ii, item in enumerate(form["items"]):
            ipath = (*base, "items", ii)
            if item["code"] not in old_items:
                changes.append(Change("item", item["code"], "added", path=ipath))
            else:
                f = _changed_fields(old_items[item["code"]], item, skip=("indicators",))
                if [i["code"] for i in old_items[item["code"]]["indicators"]] != [
                    i["code"] for i in item["indicators"]
                ]:
                    f.append("indicators")
                if f:
                    changes.append(Change("item", item["code"], "changed", f, ipath))
            for k, ind in enumerate(item["indicators"]):
                kpath = (*ipath, "indicators", k)
                if ind["code"] not in old_inds:
                    changes.append(Change("indicator", ind["code"], "added", path=kpath))
                    continue
                old_ind, old_item_code = old_inds[ind["code"]]
                f = _changed_fields(old_ind, ind)
                if old_item_code != item["code"]:
                    f.append("item")
                if f:
                    changes.append(Change("indicator", ind["code"], "changed", f, kpath))
        new_inds = {ind["code"] for it in form["items"] for ind in it["indicators"]}
        for it in old_form["items"]:
            if it["code"] not in {i["code"] for i in form["items"]}:
                changes.append(Change("item", it["code"], "removed", path=(*base, "items")))
        for code_ in old_inds:
            if code_ not in new_inds:
                changes.append(Change("indicator", code_, "removed", path=(*base, "items")))
        old_rules = _by_code(old_form["rules"])
        for r, rule in enumerate(form["rules"]):
            rpath = (*base, "rules", r)
            if rule["code"] not in old_rules:
                changes.append(Change("rule", rule["code"], "added", path=rpath))
            else:
                f = _changed_fields(old_rules[rule["code"]], rule)
                if [x["code"] for x in old_form["rules"]].index(rule["code"]) != r:
                    f.append("order")
                if f:
                    changes.append(Change("rule", rule["code"], "changed", f, rpath))
        for code_ in old_rules:
            if code_ not in {x["code"] for x in form["rules"]}:
                changes.append(Change("rule", code_, "removed", path=(*base, "rules")))
    for code, _form in old_forms.items():
        if code not in new_forms:
            changes.append(Change("form", code, "removed", path=("forms",)))
    old_rounds = _by_code(old.get("rounds", []))
    new_rounds = new.get("rounds", [])
    for i, rnd in enumerate(new_rounds):
        if rnd["code"] not in old_rounds:
            changes.append(Change("round", rnd["code"], "added", path=("rounds", i)))
        else:
            f = _changed_fields(old_rounds[rnd["code"]], rnd)
            if [x["code"] for x in old.get("rounds", [])].index(rnd["code"]) != i:
                f.append("order")
            if f:
                changes.append(Change("round", rnd["code"], "changed", f, ("rounds", i)))
    for code in old_rounds:
        if code not in {r["code"] for r in new_rounds}:
            changes.append(Change("round", code, "removed", path=("rounds",)))
    old_types = _by_code(old.get("event_types", []))
    new_types = new.get("event_types", [])
    for i, t in enumerate(new_types):
        if t["code"] not in old_types:
            changes.append(Change("event_type", t["code"], "added", path=("event_types", i)))
        else:
            f = _changed_fields(old_types[t["code"]], t)
            if [x["code"] for x in old.get("event_types", [])].index(t["code"]) != i:
                f.append("order")
            if f:
                changes.append(Change("event_type", t["code"], "changed", f, ("event_types", i)))
    for code in old_types:
        if code not in {t["code"] for t in new_types}:
            changes.append(Change("event_type", code, "removed", path=("event_types",)))
    return changes


# What a published campaign may still change. Everything in ``forms`` is structure; of a round, only
# its name, deadline and whether it locks at the deadline; of the campaign, not its year or issuing org.
PUBLISHED_EDITABLE_ROUND_FIELDS = frozenset({"name", "deadline", "lock_at_deadline"})
PUBLISHED_LOCKED_CAMPAIGN_FIELDS = frozenset({"code", "year", "issuing_org"})
# Changing these of an indicator that already has values would change what the values mean.
VALUE_BEARING_FIELDS = frozenset({"kind", "unit", "min_value", "max_value", "max_length", "item"})


def structural(change: Change) -> bool:
    """Whether ``change`` is refused on a published campaign."""
    if change.what == "campaign":
        return bool(PUBLISHED_LOCKED_CAMPAIGN_FIELDS & set(change.fields))
    if change.what == "round":
        return change.action != "changed" or not set(change.fields) <= PUBLISHED_EDITABLE_ROUND_FIELDS
    # Event types stay editable after publishing: recorded figures are computed live from the
    # events, so a corrected mapping corrects the figures. (A type with events cannot be removed:
    # services._lock_problems.)
    return change.what != "event_type"
