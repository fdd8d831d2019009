"""The 台账 export, and the statistical analysis table (page and .xlsx) per quarter or year for an org
the user sees, rolled up over its subtree. Documents are always in Chinese (core.language.official)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import User
from safetymonth.accounts.permissions import Perm
from safetymonth.core.forms import StyledFormMixin
from safetymonth.core.language import official
from safetymonth.exports.views import export_response
from safetymonth.hazards import queries, services_exports
from safetymonth.hazards.forms import FilterForm
from safetymonth.orgs.models import Industry, Org


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@official
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The ledger with the list's filters applied (the same query string)."""
    user = _user(request)
    perms.require(user, Perm.VIEW_HAZARDS)
    form = FilterForm(request.GET or None, industries=list(Industry.objects.filter(is_active=True)))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    scope = "、".join(o.name for o in perms.home_orgs(user) if perms.can(user, Perm.VIEW_HAZARDS, o)) or "-"
    return export_response(services_exports.export_ledger(user, queries.filtered_ledger(user, data), scope))


class PeriodForm(StyledFormMixin, forms.Form):
    org = forms.CharField(label=gettext_lazy("单位"), max_length=32, required=False)
    year = forms.IntegerField(
        label=gettext_lazy("年度"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": gettext_lazy("请填写年份，例如 2021。"), "required": gettext_lazy("请填写年份。")},
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("期间"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[
            ("", gettext_lazy("全年")),
            (1, gettext_lazy("第一季度")),
            (2, gettext_lazy("第二季度")),
            (3, gettext_lazy("第三季度")),
            (4, gettext_lazy("第四季度")),
        ],
    )


def _period(request: HttpRequest, user: User) -> tuple[PeriodForm, Org | None, dict]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"year": today.year, "quarter": (today.month - 1) // 3 + 1})
    homes = [o for o in perms.home_orgs(user) if perms.can(user, Perm.VIEW_HAZARDS, o)]
    if not form.is_valid():
        return form, None, {}
    wanted = form.cleaned_data.get("org")
    org = perms.get_org_for_user(user, wanted, Perm.VIEW_HAZARDS) if wanted else (homes[0] if homes else None)
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    start, end = queries.period_bounds(year, quarter)
    label = _("%(year)s年第%(q)s季度") % {"year": year, "q": quarter} if quarter else _("%(year)s年度") % {"year": year}
    return form, org, {"start": start, "end": end, "label": label}


def statistics_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.VIEW_HAZARDS)
    form, org, period = _period(request, user)
    rows, total = queries.statistics(org, period["start"], period["end"]) if org and period else ([], None)
    children = Org.objects.filter(parent=org, is_active=True).order_by("path")[:200] if org else []
    return render(
        request,
        "hazards/statistics.html",
        {
            "form": form,
            "org": org,
            "period": period,
            "rows": rows,
            "total": total,
            "children": children,
            "can_export": True,
        },
    )


@official
def statistics_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    perms.require(user, Perm.VIEW_HAZARDS)
    form, org, period = _period(request, user)
    if org is None or not period:
        return statistics_page(request)
    rows, total = queries.statistics(org, period["start"], period["end"])
    export = services_exports.export_statistics(user, org, period["label"], period["start"], period["end"], rows, total)
    return export_response(export)
