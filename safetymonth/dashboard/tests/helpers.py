"""A tree with known figures for the dashboard and export tests, and a bulk grower for query counts.

``known_tree``: the 2021 round expects the 安全生产责任科室, institutions and enterprises (6 orgs
under the commission; the campaign office 规划秩序科 is never expected):

| org | status | lecture_sessions | late |
|---|---|---|---|
| 市场运行科 | approved | 10 | no |
| 大渡口示例加油站 (市场运行科) | approved | 3 | no |
| 大渡口示例超市 (市场运行科) | submitted | 0 | no |
| 商贸流通科 | submitted | 7 | yes (after the deadline) |
| 大渡口示例餐馆 (商贸流通科) | draft | (100 typed) | — |
| 区商务发展服务中心 (institution) | returned | (1) | — |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safetymonth.campaigns.models import Indicator, IndicatorKind, Round
from safetymonth.orgs.models import Org, OrgKind, path_segment
from safetymonth.reports import services as report_services
from safetymonth.reports.models import Report, ReportStatus, Value
from safetymonth.reports.tests.helpers import _filler, in_status, report_of, round_2021, valid_data


def _submit(cast: Any, rnd: Round, org: Org, number: int, *, text: str = "典型案例") -> Report:
    report = Report.objects.select_related("org", "round", "round__campaign").get(round=rnd, org=org)
    data = valid_data(rnd.form, number=number, typical_cases_detail=text)
    result = report_services.submit_report(_filler(cast, org), report, data, report.version)
    assert result.submitted, result.check.errors if hasattr(result.check, "errors") else result
    return report


def known_tree(cast: Any) -> Round:
    rnd = round_2021(cast)
    Round.objects.filter(pk=rnd.pk).update(expected_kinds=["section", "institution", "enterprise"])
    rnd.refresh_from_db()
    report_services.create_expected_reports(rnd)
    in_status(cast, cast.section, ReportStatus.APPROVED, number=10)
    report_services.approve_report(
        cast.section_staff, _submit(cast, rnd, cast.enterprise, 3, text="加油站开展应急演练")
    )
    _submit(cast, rnd, cast.enterprise2, 0, text="")
    in_status(cast, cast.institution, ReportStatus.RETURNED, number=1)
    draft = report_of(cast, cast.other_enterprise)
    report_services.save_draft(cast.other_enterprise_staff, draft, valid_data(rnd.form, number=100), draft.version)
    # 商贸流通科 submits after the deadline
    Round.objects.filter(pk=rnd.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    _submit(cast, rnd, cast.other_section, 7)
    Round.objects.filter(pk=rnd.pk).update(deadline=timezone.now() + dt.timedelta(days=10))
    rnd.refresh_from_db()
    return rnd


def grow(section: Org, rnd: Round, n: int, *, start: int = 0) -> None:
    """Add ``n`` enterprises under the section, each with a submitted report and every integer and
    yes/no value (2 and 是), in bulk; the round expects enterprises."""
    next_pk = (Org.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    orgs = [
        Org(
            pk=next_pk + i,
            kind=OrgKind.ENTERPRISE,
            name=f"{section.name}测试企业{start + i + 1}",
            parent_id=section.pk,
            path=section.path + path_segment(next_pk + i),
            depth=section.depth + 1,
            public_id=f"g{next_pk + i:011d}",
        )
        for i in range(n)
    ]
    Org.objects.bulk_create(orgs)
    now = timezone.now()
    reports = Report.objects.bulk_create(
        [
            Report(
                round=rnd,
                org=o,
                status=ReportStatus.SUBMITTED,
                submitted_at=now,
                submit_count=1,
                public_id=f"r{o.pk:011d}",
            )
            for o in orgs
        ]
    )
    indicators = list(Indicator.objects.filter(form_id=rnd.form_id).exclude(kind=IndicatorKind.TEXT))
    Value.objects.bulk_create(
        [
            Value(
                report=r,
                indicator=ind,
                raw="2" if ind.kind == IndicatorKind.INTEGER else "yes",
                int_value=2 if ind.kind == IndicatorKind.INTEGER else None,
                bool_value=True if ind.kind == IndicatorKind.BOOLEAN else None,
            )
            for r in reports
            for ind in indicators
        ],
        batch_size=2000,
    )
