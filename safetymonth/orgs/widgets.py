"""The org chooser as a search-as-you-type field: a hidden input holds the chosen org's public id,
a search box asks ``orgs:search`` (htmx) for the first few matching orgs in the user's scope. The
page never lists every org (a province has 200,000); behaviour in static/js/app.js."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from safetymonth.orgs.models import Org


class OrgSearchWidget(forms.Widget):
    template_name = "orgs/widgets/org_search.html"

    def __init__(self, scope: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.scope = scope  # the Perm whose scope is searched (accounts.permissions.Perm value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = value if isinstance(value, Org) else None
        if chosen is None and value:
            chosen = Org.objects.filter(public_id=str(value)[:16]).only("name", "public_id").first()
        context["widget"].update(
            {
                "value": chosen.public_id if chosen else "",
                "label": chosen.name if chosen else "",
                "search_name": f"{name}-search",
                "search_url": reverse("orgs:search"),
                "scope": self.scope,
                "placeholder": _("输入单位名称搜索"),
                "attrs_html": flatatt(context["widget"]["attrs"]),
            }
        )
        return context

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> SafeString:
        # the project's templates folder, which the default form renderer does not search
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - escaped by the template

    def format_value(self, value: Any) -> Any:
        return value
