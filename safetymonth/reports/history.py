"""The difference between two snapshots of a report (history page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

HEADER_LABELS = {"contact_name": _("联系人"), "contact_phone": _("电话"), "filled_on": _("填报日期")}


@dataclass
class Change:
    label: str
    old: str
    new: str


def _shown(value: Any) -> str:
    if value in (None, ""):
        return ""
    if value == "yes":
        return str(_("是"))
    if value == "no":
        return str(_("否"))
    return str(value)


def diff(old: dict[str, Any] | None, new: dict[str, Any], labels: dict[str, str]) -> list[Change]:
    """Changed header fields, values (in form order, by ``labels``) and comments."""
    old = old or {}
    out: list[Change] = []
    oh, nh = old.get("header", {}), new.get("header", {})
    for key, label in HEADER_LABELS.items():
        if (oh.get(key) or "") != (nh.get(key) or ""):
            out.append(Change(str(label), _shown(oh.get(key)), _shown(nh.get(key))))
    ov, nv = old.get("values", {}), new.get("values", {})
    for code, label in labels.items():
        if (ov.get(code) or "") != (nv.get(code) or ""):
            out.append(Change(label, _shown(ov.get(code)), _shown(nv.get(code))))
    oc, nc = old.get("comments", {}), new.get("comments", {})
    for code in sorted(set(oc) | set(nc)):
        if (oc.get(code) or "") != (nc.get(code) or ""):
            out.append(Change(f"{labels.get(code, code)}（{_('说明')}）", _shown(oc.get(code)), _shown(nc.get(code))))
    return out
