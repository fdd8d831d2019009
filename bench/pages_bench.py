"""Page timings on the benchmark tree (hooked into bench/run.py's ``measure``, after
bench/exports_bench.py has published the 2021 campaign on the tree with a report per org and the
big section's 5,000 enterprise reports submitted with their values).

Each page is fetched through Django's test client as the user who would open it — the root's
office, the big section's staff, one of its enterprises' staff — with the query count of the page;
the roll-up service is also timed on subtrees of 1, ~5,000 and every report, with its peak memory.
The enterprise user belongs to an enterprise outside the big section (a draft report to fill).
No Django import at module level: run.py's orchestrator reads ``TARGETS_MS`` without a database.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

# Targets in milliseconds (median of the repeats): issue 13, "every page's server time ≤ 300 ms".
PAGE_TARGET_MS = 300
PAGES = [
    ("home", "office"),
    ("reports:list", "office"),
    ("reports:list", "enterprise"),
    ("reports:nonfilers", "office"),
    ("reports:rollup root", "office"),
    ("reports:rollup section", "section"),
    ("reports:edit", "enterprise"),
    ("dashboard:section", "section"),
]
TARGETS_MS: dict[str, float] = {f"page {name} ({role})": PAGE_TARGET_MS for name, role in PAGES}
TARGETS_MS.update(
    {
        "rollup service (root, every report)": 1500,
        "rollup service (section, 5,000)": 300,
        "rollup service (enterprise, 1)": 50,
        "rollup peak memory (MiB, root)": 100,
    }
)
REPEATS = 5


def _users(pks: dict) -> dict[str, Any]:
    from safetymonth.accounts.models import Membership, Role, User
    from safetymonth.orgs.models import Org

    office = User.objects.get(username="bench-export-office")
    section = Org.objects.get(pk=pks["big_section"])
    # an enterprise outside the big section: its report is still a draft, so its entry page opens
    firm = Org.objects.filter(kind="enterprise").exclude(path__startswith=section.path).order_by("path").first()
    users = {"office": office}
    for role, org, name in ((Role.SECTION_STAFF, section, "section"), (Role.ENTERPRISE_STAFF, firm, "enterprise")):
        user = User.objects.create(username=f"bench-pages-{name}", password="!")
        Membership.objects.create(user=user, org=org, role=role)
        users[name] = user
    return users


def measure_pages(pks: dict, timer: Callable[..., tuple[float, float]]) -> list[dict]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from safetymonth.campaigns.models import Round
    from safetymonth.orgs.models import Org
    from safetymonth.reports import services
    from safetymonth.reports.models import Report

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    users = _users(pks)
    rnd = Round.objects.select_related("campaign", "campaign__issuing_org", "form").get(campaign__status="published")
    root = Org.objects.get(pk=pks["root"])
    section = Org.objects.get(pk=pks["big_section"])
    firm_report = Report.objects.get(round=rnd, org__memberships__user=users["enterprise"])
    args = [rnd.campaign.public_id, rnd.code]
    urls = {
        "home": reverse("core:home"),
        "reports:list": reverse("reports:list"),
        "reports:nonfilers": reverse("reports:nonfilers", args=args),
        "reports:rollup root": reverse("reports:rollup", args=[*args, root.public_id]) + "?counting=submitted",
        "reports:rollup section": reverse("reports:rollup", args=[*args, section.public_id]) + "?counting=submitted",
        "reports:edit": reverse("reports:edit", args=[firm_report.public_id]),
        "dashboard:section": reverse("dashboard:section", args=[*args, section.public_id]),
    }
    results = []
    for name, role in PAGES:
        client = Client()
        client.force_login(users[role])
        url = urls[name]
        executed: list[str] = []
        with connection.execute_wrapper(
            lambda run, sql, params, many, context, log=executed: log.append(sql) or run(sql, params, many, context)
        ):
            status = client.get(url).status_code
        assert status == 200, (name, role, status)

        def get(client: Client = client, url: str = url) -> None:
            client.get(url)

        median, worst = timer(get, REPEATS)
        queries = len(executed)
        results.append({"name": f"page {name} ({role})", "median_ms": median, "max_ms": worst, "queries": queries})

    firm = firm_report.org
    for label, org in (("root, every report", root), ("section, 5,000", section), ("enterprise, 1", firm)):
        median, worst = timer(lambda org=org: services.rollup(org, rnd, "submitted", []), REPEATS)
        results.append({"name": f"rollup service ({label})", "median_ms": median, "max_ms": worst})
    tracemalloc.start()
    services.rollup(root, rnd, "submitted", list(services.rollup_children(root)[:20]))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results.append({"name": "rollup peak memory (MiB, root)", "median_ms": peak / 2**20, "max_ms": peak / 2**20})
    return results
