"""The demo's campaigns: the 2021 Dadukou commerce Safety Month as history (loaded from the shipped
definition file and published), and this year's campaign, live, made from it by the same copy the
office uses (``copy_campaign``), its notice brought up to date and its dates moved into the present
(relative to the clock when the demo is loaded, so that its deadline lies ahead and the 3-day
reminders are due), with the sections' reports in every state. ``load_demo`` runs
``load_demo_campaigns`` after creating the orgs and accounts it names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safetymonth.accounts.models import User
from safetymonth.campaigns.definition import DEFINITIONS_DIR, LOCAL_TZ
from safetymonth.campaigns.models import Campaign, CampaignStatus, IndicatorKind, ReportForm
from safetymonth.campaigns.services import (
    campaign_to_data,
    copy_campaign,
    load_campaign,
    publish_campaign,
    save_definition,
)
from safetymonth.lib.notice import safety_month_ordinal

DEMO_DEFINITIONS = ["dadukou-commerce-2021.yaml"]
SOURCE_CODE = "dadukou-commerce-2021"
SOURCE_YEAR = 2021
# The live campaign's round closes this long after the demo is loaded: within the 3-day reminder window.
DEADLINE_AHEAD = dt.timedelta(days=2)

# (demo username, state) of the live round's reports; the other sections have not filed yet.
LIVE_STATES = [
    ("section", "draft"),  # 市场运行科: half filled, for the newcomer to finish
    ("section2", "submitted"),  # 商贸流通科: waiting for the office's review
    ("section3", "approved"),  # 服务业发展科
    ("section4", "returned"),  # 电子商务科: returned with a reason
]


def live_code(year: int) -> str:
    return f"dadukou-commerce-{year}"


def load_demo_campaigns(demo: Any) -> None:
    """Load each demo definition (idempotent: unchanged files change nothing) and publish it as
    history; then make this year's live campaign once.

    ``demo`` is load_demo's shared state: its ``created`` and ``existing`` counters are updated."""
    for name in DEMO_DEFINITIONS:
        result = load_campaign((DEFINITIONS_DIR / name).read_text(encoding="utf-8"), None)
        (demo.created if result.created else demo.existing)["campaign"] += 1
        if result.campaign.status == CampaignStatus.DRAFT:
            publish_campaign(None, result.campaign)
    now = timezone.now()
    year = timezone.localtime(now).year
    if year == SOURCE_YEAR or Campaign.objects.filter(code=live_code(year)).exists():
        demo.existing["campaign"] += 1
        return
    campaign = make_live_campaign(Campaign.objects.get(code=SOURCE_CODE), now)
    demo.created["campaign"] += 1
    fill_live_reports(campaign, now)


def _within_year(day: dt.date, year: int) -> dt.date:
    return min(max(day, dt.date(year, 1, 1)), dt.date(year, 12, 31))


def live_data(data: dict[str, Any], source_year: int, now: dt.datetime) -> dict[str, Any]:
    """The copied definition brought up to this year: 发文字号 and 成文日期, texts naming the source
    year and the Safety Month's ordinal, periods around today and a deadline ``DEADLINE_AHEAD``
    from now (all inside the year, as the publish checklist asks)."""
    local = timezone.localtime(now, LOCAL_TZ)
    year, today = local.year, local.date()
    old, new = str(source_year), str(year)
    old_ordinal, new_ordinal = safety_month_ordinal(source_year), safety_month_ordinal(year)

    def fresh(text: str) -> str:
        return text.replace(old, new).replace(f"第{old_ordinal}个", f"第{new_ordinal}个")

    data = dict(data)
    for key in ("title", "preamble", "approach", "contents_heading", "leadership_group_name", "closing", "theme"):
        if data.get(key):
            data[key] = fresh(data[key])
    data["doc_number"] = f"渡商发〔{year}〕19号"
    data["issue_date"] = _within_year(today - dt.timedelta(days=7), year).isoformat()
    data["printed_date"] = data["issue_date"]
    data["cited_documents"] = [
        {"title": fresh(d["title"]), "doc_number": fresh(d.get("doc_number", ""))} for d in data["cited_documents"]
    ]
    for key in ("contents", "requirements"):
        data[key] = [{**row, "title": fresh(row["title"]), "text": fresh(row.get("text", ""))} for row in data[key]]
    for p in data["periods"]:
        p["start"] = _within_year(today - dt.timedelta(days=20), year).isoformat()
        p["end"] = _within_year(today + dt.timedelta(days=10), year).isoformat()
        p["note"] = fresh(p.get("note", ""))
    slogans = dict(data["slogans"])
    slogans["items"] = [fresh(s) for s in slogans.get("items", [])]
    for key in ("attachment_title", "heading", "note"):
        if slogans.get(key):
            slogans[key] = fresh(slogans[key])
    data["slogans"] = slogans
    deadline = local + DEADLINE_AHEAD
    if deadline.year != year:  # the last days of December: close at the year's end
        deadline = local.replace(month=12, day=31, hour=23, minute=59, second=59, microsecond=0)
    for r in data["rounds"]:
        r["deadline"] = deadline.replace(microsecond=0).isoformat()
    return data


def make_live_campaign(source: Campaign, now: dt.datetime) -> Campaign:
    """This year's campaign: copied from ``source`` as the office does, updated, published."""
    year = timezone.localtime(now, LOCAL_TZ).year
    title = source.title.replace(str(source.year), str(year))
    campaign = copy_campaign(None, source, live_code(year), year, title)
    save_definition(None, campaign, live_data(campaign_to_data(campaign), source.year, now))
    campaign.refresh_from_db()
    publish_campaign(None, campaign)
    campaign.refresh_from_db()
    return campaign


def _typed(form: ReportForm, number: int, today: dt.date, contact: str, phone: str) -> dict[str, str]:
    data = {"contact_name": contact, "contact_phone": phone, "filled_on": today.isoformat()}
    for ind in form.indicators.all():
        if ind.kind == IndicatorKind.INTEGER:
            data[f"ind-{ind.code}"] = str(number)
        elif ind.kind == IndicatorKind.BOOLEAN:
            data[f"ind-{ind.code}"] = "yes"
        else:
            data[f"ind-{ind.code}"] = "组织商贸企业开展消防应急演练，现场排查并整改隐患。"
    return data


def fill_live_reports(campaign: Campaign, now: dt.datetime) -> None:
    """The live round's reports in every state, through the same services as the pages."""
    from safetymonth.reports import services as reports
    from safetymonth.reports.models import Report

    office = User.objects.filter(username="office").first()
    rnd = campaign.rounds.select_related("form").first()
    if rnd is None or office is None:
        return
    reports.create_expected_reports(rnd)
    today = timezone.localtime(now, LOCAL_TZ).date()
    for n, (username, state) in enumerate(LIVE_STATES, start=1):
        user = User.objects.filter(username=username).first()
        membership = user.memberships.select_related("org").first() if user else None
        if membership is None:
            continue
        report = Report.objects.filter(round=rnd, org=membership.org).first()
        if report is None:
            continue
        data = _typed(rnd.form, 2 + n, today, user.full_name, membership.org.phone)
        if state == "draft":
            half = {k: v for i, (k, v) in enumerate(data.items()) if i % 2 == 0 or not k.startswith("ind-")}
            reports.save_draft(user, report, half, report.version)
            continue
        reports.submit_report(user, report, data, report.version)
        report.refresh_from_db()
        if state == "approved":
            reports.approve_report(office, report)
        elif state == "returned":
            reports.return_report(office, report, "请补充典型案例的具体做法和现场照片。")
