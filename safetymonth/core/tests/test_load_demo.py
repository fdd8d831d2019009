"""``manage.py load_demo``: what it creates, and that running it again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from safetymonth.accounts import permissions as perms
from safetymonth.accounts.models import Membership, Role, User
from safetymonth.audit.models import AuditEntry
from safetymonth.core.management.commands import load_demo
from safetymonth.core.management.commands.load_demo import DEMO_PASSWORD
from safetymonth.events.models import Event
from safetymonth.evidence.models import Material
from safetymonth.lib import passwords, phone, uscc
from safetymonth.orgs.models import Industry, Org, OrgKind

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _snapshot() -> dict[str, list[tuple]]:
    return {
        "orgs": list(Org.objects.order_by("pk").values_list()),
        "industries": list(Industry.objects.order_by("pk").values_list()),
        "users": list(User.objects.order_by("pk").values_list()),
        "memberships": list(Membership.objects.order_by("pk").values_list("user_id", "org_id", "role")),
        "audit": list(AuditEntry.objects.order_by("pk").values_list("pk")),
        "events": list(Event.objects.order_by("pk").values_list()),
        "materials": list(Material.objects.order_by("pk").values_list()),
    }


def test_creates_the_commission_sections_institutions_and_enterprises():
    _run()
    commission = Org.objects.get(name="重庆市大渡口区商务委员会", parent=None)
    assert commission.kind == OrgKind.AUTHORITY
    assert commission.short_name == "区商务委"
    counts = dict(Org.objects.values_list("kind").annotate(n=Count("id")).order_by())
    assert counts == {
        OrgKind.AUTHORITY: 1,
        OrgKind.SECTION: len(load_demo.SECTIONS),
        OrgKind.INSTITUTION: 3,
        OrgKind.ENTERPRISE: 40,
    }
    sections = Org.objects.filter(kind=OrgKind.SECTION, parent=commission)
    assert sections.filter(name="规划秩序科").exists()
    # at least 6 responsible sections, each supervising enterprises
    supervising = sections.annotate(n=Count("children")).filter(n__gt=0)
    assert supervising.count() >= 6
    assert Org.objects.filter(kind=OrgKind.INSTITUTION, parent=commission).count() == 3
    # every org sits in the commission's subtree
    assert Org.objects.subtree(commission).count() == Org.objects.count()


def test_demo_events_give_the_demo_section_figures_to_take():
    """The demo section's report shows figures from its own and its enterprises' events."""
    _run()
    from safetymonth.campaigns.models import Round
    from safetymonth.events.services import figures_for_round

    section = Org.objects.get(name="市场运行科")
    rnd = Round.objects.get(campaign__code="dadukou-commerce-2021")
    figures = figures_for_round(rnd, section).figures
    assert figures["drills"].total == 1 and figures["drill_participants"].total == 35
    assert figures["drill_participants"].beneath == 35  # the demo enterprise's drill
    assert figures["consultation_events"].own == 1
    assert Event.objects.filter(org=section).count() == 3
    # the demo photos went through the upload pipeline: served copies without EXIF, thumbnails
    assert figures["drills"].materials == 2 and figures["drills"].backed == 1
    with_gps = Material.objects.get(title="演练现场：初期灭火")
    assert with_gps.has_location and with_gps.served_file and with_gps.thumbnail
    assert with_gps.captured_at.date().isoformat() == "2021-06-11" and not with_gps.captured_outside_period


def test_enterprises_cover_every_industry_with_complete_valid_profiles():
    _run()
    enterprises = Org.objects.enterprises()
    assert set(enterprises.values_list("industry__code", flat=True)) == {code for code, _name in load_demo.INDUSTRIES}
    for org in Org.objects.exclude(credit_code=None):
        assert uscc.validate(org.credit_code) is None, org.name
    for org in enterprises:
        assert org.parent.kind == OrgKind.SECTION
        assert org.credit_code and org.credit_code.startswith("91500104")
        assert org.address.startswith("重庆市大渡口区")
        assert org.contact_name
        assert phone.is_valid(org.phone), org.phone
    assert enterprises.values("credit_code").distinct().count() == 40


def test_one_account_per_role_with_the_documented_password():
    output = _run()
    expected = {
        "office": (Role.OFFICE, "重庆市大渡口区商务委员会"),
        "leader": (Role.LEADER, "重庆市大渡口区商务委员会"),
        "section": (Role.SECTION_STAFF, "市场运行科"),
        "section2": (Role.SECTION_STAFF, "商贸流通科"),
        "section3": (Role.SECTION_STAFF, "服务业发展科"),
        "section4": (Role.SECTION_STAFF, "电子商务科"),
        "enterprise": (Role.ENTERPRISE_STAFF, "重庆渡口石油有限公司春晖路加油站"),
        "tips": (Role.TIP_HANDLER, "重庆市大渡口区商务委员会"),
    }
    assert passwords.character_classes(DEMO_PASSWORD) >= 3 and len(DEMO_PASSWORD) >= 10
    for username, (role, org_name) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD), username
        assert user.is_active
        assert perms.roles(user) == {role}
        assert [o.name for o in perms.home_orgs(user)] == [org_name]
        assert username in output
    enterprise = Org.objects.get(name="重庆渡口石油有限公司春晖路加油站")
    assert enterprise.industry.code == "refined-oil"
    assert enterprise.parent.name == "市场运行科"
    assert DEMO_PASSWORD in output
    # one audit entry per account
    assert AuditEntry.objects.filter(object_type="accounts.user").count() == len(expected)


def test_running_twice_changes_nothing():
    _run()
    before = _snapshot()
    output = _run()
    assert _snapshot() == before
    assert "新建：-" in output


def test_keeps_the_industry_list_as_the_office_edited_it():
    # the orgs app seeds the industries; the office may rename or reorder them afterwards
    Industry.objects.update_or_create(code="catering", defaults={"name": "餐饮服务", "sort_order": 5})
    _run()
    assert Industry.objects.filter(code__in=[c for c, _n in load_demo.INDUSTRIES]).count() == len(load_demo.INDUSTRIES)
    catering = Industry.objects.get(code="catering")
    assert (catering.name, catering.sort_order) == ("餐饮服务", 5)
    assert Org.objects.filter(industry=catering).exists()


def test_adds_what_is_missing_after_a_partial_load():
    _run()
    Membership.objects.filter(user__username="tips").delete()
    User.objects.filter(username="leader").delete()
    _run()
    assert perms.roles(User.objects.get(username="tips")) == {Role.TIP_HANDLER}
    assert User.objects.filter(username="leader").exists()
    assert User.objects.count() == len(load_demo.ACCOUNTS)


def test_quiet_run_prints_nothing():
    out = StringIO()
    call_command("load_demo", verbosity=0, stdout=out)
    assert out.getvalue() == ""


def test_credit_codes_are_stable_and_valid():
    code = load_demo.credit_code("91", "某企业")
    assert code == load_demo.credit_code("91", "某企业")
    assert uscc.validate(code) is None
    assert code.startswith("91500104")


def test_refuses_to_run_in_production_unless_forced(settings, monkeypatch):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()
    ran = []
    monkeypatch.setattr(load_demo, "STEPS", [ran.append])
    call_command("load_demo", "--force", stdout=StringIO())
    assert len(ran) == 1


def test_the_demo_has_a_live_campaign_this_year():
    """2021 stays as history; this year's campaign, copied from it, is live on the day the tests
    run: its deadline lies ahead (reminders due), its notice passes the checklist, and its
    reports stand in every state. Dates come from the clock."""
    import datetime as dt

    from django.utils import timezone

    from safetymonth.campaigns.models import Campaign, CampaignStatus
    from safetymonth.campaigns.services import publish_problems
    from safetymonth.dashboard.services import completeness
    from safetymonth.reports.models import Report
    from safetymonth.reports.services import send_reminders

    _run()
    year = timezone.localdate().year
    live = Campaign.objects.get(code=f"dadukou-commerce-{year}")
    assert live.status == CampaignStatus.PUBLISHED and live.copied_from.code == "dadukou-commerce-2021"
    assert live.doc_number == f"渡商发〔{year}〕19号" and live.issue_date.year == year
    assert f"第{year - 2001}个" in live.preamble and "2021" not in live.title
    assert Campaign.objects.get(code="dadukou-commerce-2021").status == CampaignStatus.PUBLISHED
    rnd = live.rounds.get()
    now = timezone.now()
    assert now < rnd.deadline <= now + dt.timedelta(days=3)
    statuses = dict(Report.objects.filter(round=rnd).values_list("org__name", "status"))
    assert statuses == {
        "市场运行科": "draft",
        "商贸流通科": "submitted",
        "服务业发展科": "approved",
        "电子商务科": "returned",
        "外经外贸科": "draft",
        "消费促进科": "draft",
    }
    total = completeness(rnd, live.issuing_org).total
    assert (total.expected, total.submitted, total.on_time) == (6, 2, 2)
    # the checklist that publishing ran finds nothing in the published notice but the copy's warnings
    errors, _warnings = publish_problems(live)
    assert errors == []
    assert send_reminders() == 4  # 3 days before: the four not submitted
    _run()  # again: nothing new
    assert Campaign.objects.filter(year=year).count() == 1
