"""Dashboard and export timings on the benchmark tree (hooked into bench/run.py's ``measure``).

Publishes the 2021 campaign on the tree's root with sections and enterprises expected (one report
per org: ~200,000 reports), submits the reports of the big section's 5,000 enterprises with every
integer and yes/no value, then times: completeness over the whole tree and over the section, the
indicator totals of the section, the consolidated workbook and the CSV of the section (5,000 rows).
No Django import at module level: run.py's orchestrator reads ``TARGETS_MS`` without a database.
"""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable

# Targets in milliseconds (median of the repeats).
TARGETS_MS = {
    "completeness (root, ~200,000 reports)": 1500,
    "completeness (section, 5,000)": 500,
    "indicator totals (section, 5,000)": 600,
    "workbook xlsx (section, 5,000 rows)": 5000,
    "values csv (section, 5,000 reports)": 8000,
}
REPEATS = 5
FILE_REPEATS = 2


def _setup(pks: dict) -> tuple[object, object, object]:
    import yaml
    from django.utils import timezone

    from safetymonth.accounts.models import Membership, Role, User
    from safetymonth.campaigns.definition import DEFINITIONS_DIR
    from safetymonth.campaigns.models import Indicator, IndicatorKind, Round
    from safetymonth.campaigns.services import load_campaign, publish_campaign
    from safetymonth.orgs.models import Org
    from safetymonth.reports.models import Report, ReportStatus, Value
    from safetymonth.reports.services import create_expected_reports

    root = Org.objects.get(pk=pks["root"])
    section = Org.objects.get(pk=pks["big_section"])
    office = User.objects.create(username="bench-export-office", password="!")
    Membership.objects.create(user=office, org=root, role=Role.OFFICE)
    data = yaml.safe_load((DEFINITIONS_DIR / "dadukou-commerce-2021.yaml").read_text(encoding="utf-8"))
    data["issuing_org"] = root.name
    data.pop("office", None)  # 规划秩序科 does not exist in the benchmark tree
    for rnd in data.get("rounds", []):
        rnd["report_to"] = root.name  # reports go to an org of the tree (never expected to report itself)
    campaign = load_campaign(data, office).campaign
    publish_campaign(office, campaign)
    rnd = Round.objects.select_related("campaign", "campaign__issuing_org", "form").get(campaign=campaign)
    # every section reports here, 安全生产责任科室 or not (the tree has no such flags)
    Round.objects.filter(pk=rnd.pk).update(expected_kinds=["section", "enterprise"], responsible_sections_only=False)
    rnd.refresh_from_db()
    create_expected_reports(rnd)
    now = timezone.now()
    enterprises = Report.objects.filter(round=rnd, org__path__startswith=section.path, org__kind="enterprise")
    enterprises.update(status=ReportStatus.SUBMITTED, submitted_at=now, submit_count=1)
    indicators = list(Indicator.objects.filter(form=rnd.form).exclude(kind=IndicatorKind.TEXT))
    Value.objects.bulk_create(
        [
            Value(
                report_id=report_id,
                indicator=ind,
                raw="2" if ind.kind == IndicatorKind.INTEGER else "yes",
                int_value=2 if ind.kind == IndicatorKind.INTEGER else None,
                bool_value=True if ind.kind == IndicatorKind.BOOLEAN else None,
            )
            for report_id in enterprises.values_list("pk", flat=True)
            for ind in indicators
        ],
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # statistics of the new reports and values, as a live database has
    return office, rnd, (root, section)


def measure_exports(pks: dict, timer: Callable[..., tuple[float, float]]) -> list[dict]:
    from safetymonth.dashboard import services as dashboard
    from safetymonth.exports import services as exports

    office, rnd, (root, section) = _setup(pks)
    expected = dashboard.completeness(rnd, section).total
    assert expected.expected == 5001 and expected.submitted == 5000, expected

    def workbook() -> None:
        export = exports.export_workbook(office, rnd, section, counting="submitted")
        assert export.file is not None
        export.file.close()

    def values_csv() -> None:
        export = exports.export_values_csv(office, rnd, section)
        assert export.lines is not None
        buf = io.StringIO()
        for line in export.lines:
            buf.write(line)

    checks: list[tuple[str, Callable[[], object], int]] = [
        ("completeness (root, ~200,000 reports)", lambda: dashboard.completeness(rnd, root), REPEATS),
        ("completeness (section, 5,000)", lambda: dashboard.completeness(rnd, section), REPEATS),
        ("indicator totals (section, 5,000)", lambda: dashboard.indicator_totals(rnd, section), REPEATS),
        ("workbook xlsx (section, 5,000 rows)", workbook, FILE_REPEATS),
        ("values csv (section, 5,000 reports)", values_csv, FILE_REPEATS),
    ]
    results = []
    for name, fn, repeats in checks:
        median, worst = timer(fn, repeats)
        results.append({"name": name, "median_ms": median, "max_ms": worst})
    # memory: the workbook is written in write-only mode into a temporary file
    tracemalloc.start()
    workbook()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results.append({"name": "workbook peak memory (MiB)", "median_ms": peak / 2**20, "max_ms": peak / 2**20})
    return results


TARGETS_MS["workbook peak memory (MiB)"] = 200
