"""``{% render_report_form form values=... errors=... warnings=... header=... mode="entry" %}``

Renders a report form as on paper: the three columns 活动项目 | 内容要求 | 进展情况, with an input
exactly where each blank stands in the progress text (inputs named ``ind-<code>``; yes/no blanks as
two radio buttons 是/否; text blanks as a text input), each blank's messages next to it, and one
column per row on a phone (static/css/form.css). With ``recorded=`` (events.services.ReportFigures
with a gallery link, issue 7) each mapped blank shows the figure computed from event records, a
button to take it (entry mode; static/js/events.js), a flag when the entered value differs, and
the number of evidence materials. Modes: ``entry`` and ``preview`` show inputs (the
preview is what a reporter sees), ``readonly`` prints the values into the blanks.

The caller supplies the surrounding ``<form>`` and its buttons. After a POST that did not pass
``services.check_values``, pass ``values=check.raw errors=check.errors warnings=check.warnings`` so
that every box shows what was typed and its message. The partial links static/css/form.css itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from safetymonth.campaigns.models import ReportForm
from safetymonth.campaigns.rendering import MODES, form_rows

register = template.Library()


@register.inclusion_tag("campaigns/form/report_form.html")
def render_report_form(
    form: ReportForm,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, Any] | None = None,
    warnings: Mapping[str, Any] | None = None,
    header: Mapping[str, Any] | None = None,
    mode: str = "entry",
    recorded: Any = None,
) -> dict[str, Any]:
    if mode not in MODES:
        raise template.TemplateSyntaxError(f"render_report_form: mode must be one of {', '.join(MODES)}")
    # The entry page has its own header inputs above the form: the paper's header line is shown
    # there only when the caller passes values for it.
    show_header = header is not None or mode != "entry"
    header = header or {}
    return {
        "form": form,
        "rows": form_rows(form, values, errors, warnings, recorded),
        "header": [{"label": label, "value": header.get(label, "")} for label in form.header_fields]
        if show_header
        else [],
        "mode": mode,
        "inputs": mode in ("entry", "preview"),
    }
