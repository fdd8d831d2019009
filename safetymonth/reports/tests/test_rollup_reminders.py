"""Roll-up over the org tree with mixed statuses; reminders sent exactly once; 催报; outlier rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from safetymonth.campaigns.models import Round
from safetymonth.lib import outliers
from safetymonth.lib.rollup import Fact, group_key, roll_up
from safetymonth.reports import services
from safetymonth.reports.models import Notification, ReminderSent, Report, ReportAction, ReportStatus
from safetymonth.reports.tests.helpers import in_status, report_of, valid_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_tree(cast, rnd):
    """Sections and enterprises report: 市场运行科 approved (10s), its 加油站 approved (3s), its
    超市 submitted (5s), 商贸流通科 submitted (7s), its 餐馆 draft (100s), the institution returned (1s)
    (the campaign office 规划秩序科 never reports)."""
    Round.objects.filter(pk=rnd.pk).update(expected_kinds=["section", "institution", "enterprise"])
    rnd.refresh_from_db()
    services.create_expected_reports(rnd)
    in_status(cast, cast.section, ReportStatus.APPROVED, number=10)
    _enterprise(cast, rnd, cast.enterprise, 3, approve_by=cast.section_staff)
    _enterprise(cast, rnd, cast.enterprise2, 5)
    in_status(cast, cast.other_section, ReportStatus.SUBMITTED, number=7)
    draft = report_of(cast, cast.other_enterprise)
    services.save_draft(cast.other_enterprise_staff, draft, valid_data(rnd.form, number=100), draft.version)
    in_status(cast, cast.institution, ReportStatus.RETURNED, number=1)
    return rnd


def _enterprise(cast, rnd, org, number, approve_by=None):
    from safetymonth.reports.tests.helpers import _filler

    report = Report.objects.select_related("org", "round").get(round=rnd, org=org)
    data = valid_data(rnd.form, number=number, typical_cases_detail=f"{org.name}案例")
    assert services.submit_report(_filler(cast, org), report, data, report.version).submitted
    if approve_by is not None:
        services.approve_report(approve_by, report)
    return report


def test_totals_count_approved_only_by_default(cast, mixed_tree):
    totals = services.rollup_totals(cast.commission, mixed_tree, "approved")
    assert totals["lecture_sessions"] == 10 + 3
    assert totals["special_film_studied"] == 2  # count of yes
    assert totals["typical_cases_detail"] == [("市场运行科", "典型案例"), ("大渡口示例加油站", "大渡口示例加油站案例")]


def test_totals_with_submitted_reports(cast, mixed_tree):
    totals = services.rollup_totals(cast.commission, mixed_tree, "submitted")
    assert totals["lecture_sessions"] == 10 + 3 + 5 + 7  # drafts (100) and returned (1) never count
    assert totals["special_film_studied"] == 4


def test_section_page_shows_own_each_enterprise_and_total(cast, mixed_tree):
    rows = services.rollup(cast.section, mixed_tree, "submitted")
    assert [r.label for r in rows] == ["本单位", "大渡口示例加油站", "大渡口示例超市", "合计"]
    assert [r.cells["lecture_sessions"].total for r in rows] == [10, 3, 5, 18]
    assert rows[-1].cells["special_film_studied"].total == 3
    texts = rows[-1].cells["typical_cases_detail"].texts
    assert [name for name, _t in texts] == ["市场运行科", "大渡口示例加油站", "大渡口示例超市"]


def test_breakdown_and_aggregate_agree(cast, mixed_tree):
    for counting in ("approved", "submitted"):
        rows = services.rollup(cast.commission, mixed_tree, counting)
        totals = services.rollup_totals(cast.commission, mixed_tree, counting)
        for code in ("lecture_sessions", "theory_study_participants", "special_film_studied"):
            assert rows[-1].cells[code].total == totals[code]
    commission_rows = {r.label: r for r in services.rollup(cast.commission, mixed_tree, "submitted")}
    assert commission_rows["市场运行科"].cells["lecture_sessions"].total == 18  # with its enterprises
    assert commission_rows["商贸流通科"].cells["lecture_sessions"].total == 7  # its enterprise is a draft


def _python_rollup(org, rnd, counting):
    """The roll-up rule in Python (lib/rollup.roll_up) over every value: the reference for the SQL."""
    from safetymonth.campaigns.models import Indicator
    from safetymonth.orgs.models import Org
    from safetymonth.reports.models import Value

    kinds = dict(Indicator.objects.filter(form=rnd.form).values_list("code", "kind"))
    facts = [
        Fact(path, name, code, kind, iv if kind == "integer" else bv if kind == "boolean" else tv)
        for path, name, code, kind, iv, bv, tv in Value.objects.filter(
            report__round=rnd, report__status__in=services.counted_statuses(counting)
        )
        .order_by("report__org__path", "pk")
        .values_list(
            "report__org__path",
            "report__org__name",
            "indicator__code",
            "indicator__kind",
            "int_value",
            "bool_value",
            "text_value",
        )
    ]
    children = [c.path for c in Org.objects.filter(parent=org).order_by("path")]
    return roll_up(facts, org.path, children, kinds)


@pytest.mark.parametrize("counting", ["approved", "submitted"])
def test_sql_rollup_equals_the_python_rule(cast, mixed_tree, counting):
    for org in (cast.commission, cast.section, cast.other_section, cast.enterprise):
        expected = _python_rollup(org, mixed_tree, counting)
        rows = services.rollup(org, mixed_tree, counting, text_limit=None)
        keys = [org.path, *[r.org.path for r in rows[1:-1]], "total"]
        for row, key in zip(rows, keys, strict=True):
            for code, cell in expected[key].items():
                got = row.cells[code]
                assert (got.total, got.answered, got.texts) == (cell.total, cell.answered, cell.texts), (key, code)


def test_rollup_pages_children_and_cuts_texts(cast, mixed_tree):
    rows = services.rollup(cast.section, mixed_tree, "submitted", [cast.enterprise2], text_limit=1)
    assert [r.label for r in rows] == ["本单位", "大渡口示例超市", "合计"]
    assert [r.cells["lecture_sessions"].total for r in rows] == [10, 5, 18]  # the total keeps every child
    total_texts = rows[-1].cells["typical_cases_detail"]
    assert total_texts.texts == [("市场运行科", "典型案例")] and total_texts.more == 2
    assert services.rollup_totals(cast.commission, mixed_tree, "submitted", text_limit=2)["typical_cases_detail"] == [
        ("市场运行科", "典型案例"),
        ("大渡口示例加油站", "大渡口示例加油站案例"),
    ]


def test_rollup_page_pages_its_children(cast, mixed_tree, client, monkeypatch):
    from django.urls import reverse

    monkeypatch.setattr(services, "ROLLUP_CHILDREN_PER_PAGE", 1)
    client.force_login(cast.office)
    url = reverse("reports:rollup", args=[mixed_tree.campaign.public_id, mixed_tree.code, cast.section.public_id])
    first = client.get(url, {"counting": "submitted"})
    second = client.get(url, {"counting": "submitted", "page": 2})
    assert [r.label for r in first.context["rows"]] == ["本单位", "大渡口示例加油站", "合计"]
    assert [r.label for r in second.context["rows"]] == ["本单位", "大渡口示例超市", "合计"]
    assert second.context["rows"][-1].cells["lecture_sessions"].total == 18
    assert "下级单位共 2 个" in first.content.decode()


def test_lib_rollup_groups_by_subtree():
    kinds = {"n": "integer", "y": "boolean", "t": "text"}
    facts = [
        Fact("1/", "委", "n", "integer", 1),
        Fact("1/2/", "科", "n", "integer", 2),
        Fact("1/2/3/", "企", "n", "integer", 4),
        Fact("1/2/3/", "企", "y", "boolean", True),
        Fact("1/4/", "科二", "y", "boolean", False),
        Fact("1/4/", "科二", "t", "text", "案例"),
        Fact("9/", "外", "n", "integer", 100),
    ]
    groups = roll_up(facts, "1/", ["1/2/", "1/4/"], kinds)
    assert groups["1/"]["n"].total == 1
    assert groups["1/2/"]["n"].total == 6
    assert groups["total"]["n"].total == 7
    assert groups["total"]["y"].total == 1 and groups["total"]["y"].answered == 2
    assert groups["total"]["t"].texts == [("科二", "案例")]
    assert group_key("9/", "1/", ["1/2/"]) is None


# -- reminders ------------------------------------------------------------------------------


def _set_deadline(rnd, delta):
    Round.objects.filter(pk=rnd.pk).update(deadline=timezone.now() + delta)
    rnd.refresh_from_db()


def test_reminder_windows():
    d = timezone.now()
    assert services.reminder_kind(d, d - dt.timedelta(days=4)) is None
    assert services.reminder_kind(d, d - dt.timedelta(days=2)) == "3d"
    assert services.reminder_kind(d, d - dt.timedelta(hours=5)) == "1d"
    assert services.reminder_kind(d, d + dt.timedelta(hours=5)) == "overdue"
    assert services.reminder_kind(d, d + dt.timedelta(days=30)) is None


def test_reminders_are_sent_once_per_round_org_and_kind(cast, rnd, django_capture_on_commit_callbacks):
    in_status(cast, cast.other_section, ReportStatus.SUBMITTED)  # filed: no reminder
    _set_deadline(rnd, dt.timedelta(days=2))
    cast.section_staff.email = "section@example.com"
    cast.section_staff.save(update_fields=["email"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1  # 市场运行科 (the campaign office 规划秩序科 is not expected)
        assert services.send_reminders() == 0
        call_command("send_reminders")
    assert ReminderSent.objects.filter(kind="3d").count() == 1
    assert [m.to for m in mail.outbox] == [["section@example.com"]]
    assert Notification.objects.filter(user=cast.section_staff, text__contains="还有3天").count() == 1
    # one day before: the next reminder, once
    _set_deadline(rnd, dt.timedelta(hours=10))
    assert services.send_reminders() == 1
    assert services.send_reminders() == 0
    _set_deadline(rnd, -dt.timedelta(hours=1))
    assert services.send_reminders() == 1
    assert services.send_reminders() == 0
    assert ReminderSent.objects.count() == 3


def test_a_reminder_already_recorded_is_skipped(cast, rnd):
    """Another run inserted the row first: this run skips it (the unique constraint decides)."""
    _set_deadline(rnd, dt.timedelta(days=2))
    ReminderSent.objects.create(round=rnd, org=cast.section, kind="3d")
    assert services.send_reminders() == 1  # 商贸流通科; 市场运行科 was recorded; never the office
    assert not Notification.objects.filter(user=cast.section_staff).exists()


# -- chase ----------------------------------------------------------------------------------


def test_chase_notifies_and_is_recorded(cast, rnd):
    report = report_of(cast, cast.other_section)
    n = services.chase_report(cast.office, report)
    assert n == 1
    assert Notification.objects.filter(user=cast.other_section_staff, text__startswith="催报").exists()
    assert report.events.filter(action=ReportAction.CHASE).exists()


def test_chase_rules(cast, rnd):
    report = report_of(cast, cast.other_section)
    with pytest.raises(PermissionDenied):
        services.chase_report(cast.other_section_staff, report)  # not one's own org
    with pytest.raises(PermissionDenied):
        services.chase_report(cast.section_staff, report)  # not in its scope
    in_status(cast, cast.other_section, ReportStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        services.chase_report(cast.office, report)


# -- outliers -------------------------------------------------------------------------------


def test_outlier_rule():
    assert outliers.check(None, 1) is None
    assert outliers.check(100, previous=10).basis == "previous"
    assert outliers.check(25, previous=10) is None  # under 3×
    assert outliers.check(3, previous=0) is None  # small difference
    assert outliers.check(100, peers=[10, 12, 8]).basis == "peers"
    assert outliers.check(100, peers=[10, 12]) is None  # too few peers
    assert outliers.check(40, peers=[10, 12, 8]) is None  # under 5× median
