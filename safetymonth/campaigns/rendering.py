"""The paper form as rows for templates and documents: each item's progress text split into lines
of text and blanks, each blank joined to its indicator, its value and its messages.

The web renderer (``{% render_report_form %}``) and the xlsx/docx exports share this, so that a box
or a figure stands exactly where the blank stood on paper."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from safetymonth.campaigns.models import Indicator, IndicatorKind, Item, ReportForm
from safetymonth.lib import blanks

MODES = ("entry", "preview", "readonly")


@dataclass
class BlankView:
    indicator: Indicator
    value: str  # as shown in the box (what was typed, or the stored value)
    checked: bool | None  # yes/no blanks: True (是), False (否), None (not answered)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Issue 7: the figure computed from event records (events.services.Figure) and the number of
    # evidence materials behind the indicator, with the gallery link listing them.
    recorded: Any = None
    materials: int = 0
    gallery_url: str = ""

    @property
    def differs(self) -> bool:
        """Whether something was entered that is not the recorded figure (empty is not a difference)."""
        entered = self.value.strip()
        return self.recorded is not None and entered != "" and entered != str(self.recorded.total)

    @property
    def has_evidence_info(self) -> bool:
        return self.recorded is not None or self.materials > 0

    @property
    def name(self) -> str:
        return f"ind-{self.indicator.code}"

    @property
    def id(self) -> str:
        return f"id_ind-{self.indicator.code}"

    @property
    def kind(self) -> str:
        return self.indicator.kind

    @property
    def display(self) -> str:
        """The value as printed on paper (readonly mode and documents)."""
        if self.indicator.kind == IndicatorKind.BOOLEAN:
            return blanks.yes_no(self.checked)
        return self.value


@dataclass
class Segment:
    text: str = ""
    blank: BlankView | None = None


@dataclass
class Row:
    item: Item
    lines: list[list[Segment]]


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _checked(value: Any) -> bool | None:
    if value is True or value in ("yes", "1", "true", "是"):
        return True
    if value is False or value in ("no", "0", "false", "否"):
        return False
    return None


def _shown(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return str(value)


def form_rows(
    form: ReportForm,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, Any] | None = None,
    warnings: Mapping[str, Any] | None = None,
    recorded: Any = None,
) -> list[Row]:
    """The form's items in order, each progress text as lines of text and blanks.

    ``values`` maps indicator codes to typed values or to what was typed (strings); ``errors`` and
    ``warnings`` map codes to a message or a list of messages. ``recorded`` (optional) has
    ``figures`` and ``materials`` by indicator code and ``gallery_url(code)``
    (``reports`` passes events.services.ReportFigures with the gallery link)."""
    values, errors, warnings = values or {}, errors or {}, warnings or {}
    figures = getattr(recorded, "figures", {}) if recorded is not None else {}
    materials = getattr(recorded, "materials", {}) if recorded is not None else {}
    items = list(form.items.order_by("order", "code"))
    indicators = {i.code: i for i in form.indicators.all()}
    rows = []
    for item in items:
        lines = []
        for line in blanks.lines(blanks.split(item.progress_text)):
            segments = []
            for seg in line:
                if isinstance(seg, blanks.Text):
                    segments.append(Segment(text=seg.text))
                    continue
                indicator = indicators[seg.code]
                value = values.get(seg.code)
                segments.append(
                    Segment(
                        blank=BlankView(
                            indicator=indicator,
                            value=_shown(value),
                            checked=_checked(value) if indicator.kind == IndicatorKind.BOOLEAN else None,
                            errors=_as_list(errors.get(seg.code)),
                            warnings=_as_list(warnings.get(seg.code)),
                            recorded=figures.get(seg.code),
                            materials=materials.get(seg.code, 0),
                            gallery_url=recorded.gallery_url(seg.code)
                            if recorded is not None and hasattr(recorded, "gallery_url")
                            else "",
                        )
                    )
                )
            lines.append(segments)
        rows.append(Row(item=item, lines=lines))
    return rows
