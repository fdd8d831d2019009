"""Hazard ledger timings on the benchmark tree (hooked into bench/run.py's ``measure``).

Registers 50,000 hazards (500 on a small smoke tree) spread over the big section's 5,000
enterprises, then times the office's ledger page (count and first page, the list's query), the
statistical analysis table over the whole tree and the 台账 export of every row, and measures the
export's peak Python memory (openpyxl write-only, rows streamed: it must stay flat).
No Django import at module level: run.py's orchestrator reads ``TARGETS_MS`` without a database.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc
from collections.abc import Callable

TARGETS_MS = {
    "hazard list page (office)": 300,
    "hazard statistics (root, quarter)": 1500,
    "hazard ledger xlsx (all rows)": 60000,
    "hazard xlsx peak memory (MiB)": 60,
}
FILE_REPEATS = 1
REPEATS = 5


def measure_hazards(pks: dict, timer: Callable[..., tuple[float, float]], total_orgs: int) -> list[dict]:
    from django.core.paginator import Paginator

    from safetymonth.accounts.models import Membership, Role, User
    from safetymonth.hazards import queries, services_exports
    from safetymonth.hazards.models import Hazard, HazardCategory, HazardStatus
    from safetymonth.orgs.models import Org, OrgKind

    full = total_orgs >= 100_000
    rows = 50_000 if full else 500  # the smoke run of the test suite only checks that this works
    timed, file_timed = (REPEATS, FILE_REPEATS) if full else (1, 1)
    root = Org.objects.get(pk=pks["root"])
    section = Org.objects.get(pk=pks["big_section"])
    office = User.objects.create(username="bench-hazards-office", password="!")
    Membership.objects.create(user=office, org=root, role=Role.OFFICE)
    enterprises = list(Org.objects.filter(parent=section, kind=OrgKind.ENTERPRISE).values_list("pk", flat=True))
    categories = list(HazardCategory.objects.values_list("pk", flat=True))
    statuses = [HazardStatus.REGISTERED, HazardStatus.RECTIFYING, HazardStatus.AWAITING]
    start = dt.date(2021, 1, 1)
    Hazard.objects.bulk_create(
        [
            Hazard(
                org_id=enterprises[i % len(enterprises)],
                found_on=start + dt.timedelta(days=i % 360),
                place=f"位置{i}",
                description=f"基准测试隐患 {i}：消防通道堆放杂物，灭火器过期未检",
                category_id=categories[i % len(categories)],
                status=statuses[i % 3],
                measures="清理杂物，更换灭火器",
                responsible="安全员",
                deadline=start + dt.timedelta(days=i % 360 + 30),
            )
            for i in range(rows)
        ],
        batch_size=2000,
    )

    def ledger_page() -> None:
        page = Paginator(queries.filtered_ledger(office, {}), 30).get_page(1)
        assert page.paginator.count == rows and len(page.object_list) == 30

    def statistics() -> None:
        _rows, total = queries.statistics(root, *queries.period_bounds(2021, 2))
        assert total.found > 0

    def export() -> None:
        result = services_exports.export_ledger(office, queries.filtered_ledger(office, {}), "bench")
        assert result.file is not None
        result.file.close()

    results = []
    for name, fn, repeats in [
        ("hazard list page (office)", ledger_page, timed),
        ("hazard statistics (root, quarter)", statistics, timed),
        ("hazard ledger xlsx (all rows)", export, file_timed),
    ]:
        median, worst = timer(fn, repeats)
        results.append({"name": name, "median_ms": median, "max_ms": worst})
    tracemalloc.start()
    export()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results.append({"name": "hazard xlsx peak memory (MiB)", "median_ms": peak / 2**20, "max_ms": peak / 2**20})
    return results
