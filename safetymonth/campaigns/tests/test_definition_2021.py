"""The shipped 2021 definition against the notice (tests/data/2021-safety-month-notice.txt, a copy of
the seed): every text as written, every blank of Attachment 1 an indicator of the right kind and unit,
and the counts pinned."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from safetymonth.campaigns import definition
from safetymonth.campaigns.models import CampaignStatus, IndicatorKind, LeadershipPosition
from safetymonth.campaigns.services import dump_campaign, load_campaign

NOTICE = (Path(__file__).parent / "data" / "2021-safety-month-notice.txt").read_text(encoding="utf-8")
ATTACHMENT_1 = NOTICE[NOTICE.index("\t附件1") : NOTICE.index("附件2\n")]
UNITS = ["条次", "人次", "次", "场", "篇", "个", "条", "部"]

ITEM_INDICATORS = {
    "theory_study": [
        "theory_study_sessions",
        "theory_study_participants",
        "special_film_studied",
        "film_viewing_sessions",
        "film_viewing_participants",
        "lecture_sessions",
        "lecture_participants",
    ],
    "special_campaign_publicity": [
        "campaign_media_reports",
        "campaign_news_articles",
        "practices_promoted",
        "practice_news_articles",
        "enterprise_activities",
        "enterprise_activity_participants",
    ],
    "yuzhou_tour": [
        "hazards_exposed",
        "typical_cases_exposed",
        "media_reposts",
        "typical_cases_detail",
        "meeting_briefings",
        "warning_film_sessions",
        "warning_film_participants",
        "warning_exhibition_visits",
        "warning_exhibition_participants",
        "employee_reports",
    ],
    "consultation_day": [
        "consultation_events",
        "consultation_participants",
        "online_events",
        "online_event_participants",
        "online_exhibition_participants",
        "quiz_participants",
        "experience_venue_participants",
        "live_quiz_participants",
        "relay_pledge_participants",
    ],
    "five_into": [
        "safety_products",
        "drills",
        "drill_participants",
        "culture_activities",
        "culture_activity_participants",
        "uses_national_platform",
    ],
}


@pytest.fixture
def data(text_2021):
    return definition.read(text_2021)[0]


def _indicators(data):
    return [ind for item in data["forms"][0]["items"] for ind in item["indicators"]]


def test_the_notice_has_38_blanks_in_attachment_1():
    """Counted in the paper: 36 bracket blanks （  ） or (   ) and 2 □是□否 pairs."""
    brackets = re.findall(r"[（(]\s*[)）]", ATTACHMENT_1)
    yes_no = re.findall(r"□是\s*□否", ATTACHMENT_1)
    assert (len(brackets), len(yes_no)) == (36, 2)


def test_pinned_counts(campaign_2021):
    form = campaign_2021.forms.get()
    assert form.items.count() == 5
    assert form.indicators.count() == 38
    assert Counter(form.indicators.values_list("kind", flat=True)) == {
        IndicatorKind.INTEGER: 35,
        IndicatorKind.BOOLEAN: 2,
        IndicatorKind.TEXT: 1,
    }
    assert form.rules.count() == 10
    assert campaign_2021.slogans.count() == 10
    assert campaign_2021.contents.count() == 7
    assert campaign_2021.requirements.count() == 3
    assert campaign_2021.cited_documents.count() == 2
    assert campaign_2021.periods.count() == 2
    assert campaign_2021.rounds.count() == 1
    assert campaign_2021.leadership.count() == 4


def test_items_and_their_blanks_in_order(data):
    items = data["forms"][0]["items"]
    assert {i["code"]: [ind["code"] for ind in i["indicators"]] for i in items} == ITEM_INDICATORS
    assert [i["title"] for i in items] == [
        "学习习近平总书记关于安全生产重要论述",
        "“专项整治集中攻坚战”专题宣传活动",
        "“安全生产渝州行”活动",
        "“6·16安全宣传咨询日”活动",
        "推进安全宣传“五进”活动",
    ]


def _paper_pattern(progress_text: str, kinds: dict[str, str]) -> list[re.Pattern[str]]:
    """Each line of a progress text as a regex for the paper line: a blank becomes the paper's
    spaces inside its brackets, a yes/no blank the □是□否 boxes."""
    patterns = []
    for line in progress_text.split("\n"):
        out = ""
        pos = 0
        for m in re.finditer(r"\[\[([a-z0-9_]+)\]\]", line):
            out += re.escape(line[pos : m.start()])
            out += r"□是\s*□否" if kinds[m.group(1)] == "boolean" else r"\s*"
            pos = m.end()
        out += re.escape(line[pos:])
        patterns.append(re.compile(out))
    return patterns


def test_progress_texts_reproduce_attachment_1_line_by_line(data):
    paper_lines = [line.strip() for line in ATTACHMENT_1.split("\n") if line.strip()]
    kinds = {ind["code"]: ind["kind"] for ind in _indicators(data)}
    matched = 0
    for item in data["forms"][0]["items"]:
        for pattern in _paper_pattern(item["progress_text"], kinds):
            assert any(pattern.fullmatch(line) for line in paper_lines), pattern.pattern
            matched += 1
    assert matched == 14  # the paper's lines with blanks: 3 + 3 + 2 + 3 + 3
    # every paper line holding a blank is matched by exactly one progress-text line
    blank_lines = [line for line in paper_lines if re.search(r"[（(]\s*[)）]|□是", line) and "内容要求" not in line]
    assert len(blank_lines) == matched


def test_units_are_the_words_after_the_blanks(data):
    for item in data["forms"][0]["items"]:
        units = {ind["code"]: ind.get("unit", "") for ind in item["indicators"]}
        kinds = {ind["code"]: ind["kind"] for ind in item["indicators"]}
        for m in re.finditer(r"\[\[([a-z0-9_]+)\]\][)）]?", item["progress_text"]):
            code, after = m.group(1), item["progress_text"][m.end() :]
            if kinds[code] == "integer":
                expected = next(u for u in UNITS if after.startswith(u))
                assert units[code] == expected, code
            else:
                assert units[code] == "", code
    text_blank = next(i for i in _indicators(data) if i["kind"] == "text")
    assert text_blank["code"] == "typical_cases_detail"
    assert "典型案例具体为（[[typical_cases_detail]]）" in data["forms"][0]["items"][2]["progress_text"]


def test_requirements_and_titles_are_verbatim(data):
    form = data["forms"][0]
    # the paper breaks the title over two lines
    assert "\t全区商务领域“安全生产月”和“安全生产渝州行”\n\n活动进展情况统计表" in NOTICE
    assert form["title"] == "全区商务领域“安全生产月”和“安全生产渝州行”活动进展情况统计表"
    assert form["attachment_label"] == "附件1"
    assert form["header_fields"] == ["填报科室", "联系人", "电话", "填报日期"]
    for label in form["header_fields"]:
        assert f"{label}：" in ATTACHMENT_1
    for item in form["items"]:
        assert item["requirement"] in ATTACHMENT_1
    # item titles are broken over lines inside their cells on paper
    cells = re.sub(r"\s*\n\s*", "", ATTACHMENT_1.replace("\t", ""))
    for item in form["items"]:
        assert item["title"] in cells, item["title"]


def test_notice_texts_are_verbatim(data):
    for key in ("title", "doc_number", "issuer_name", "addressees", "preamble", "approach", "closing"):
        assert data[key] and data[key] in NOTICE, key
    assert f"二、{data['contents_heading']}" in NOTICE
    numerals = "一二三四五六七"
    for n, c in enumerate(data["contents"]):
        assert f"（{numerals[n]}）{c['title']}。{c['text']}" in NOTICE
    for n, r in enumerate(data["requirements"]):
        assert f"（{numerals[n]}）{r['title']}。{r['text']}" in NOTICE
    for doc in data["cited_documents"]:
        assert f"《{doc['title']}》（{doc['doc_number']}）" in NOTICE
    assert data["leadership_group_name"] in NOTICE
    assert f"{data['materials']['label']}：链接：{data['materials']['url']}" in NOTICE
    assert f"提取码：{data['materials']['code']}" in NOTICE
    assert f"联系人：{data['contact']['name']}，联系电话：{data['contact']['phone']}。" in NOTICE
    assert f"{data['printed_by']}" in NOTICE and "2021年6月2日印发" in NOTICE
    assert data["theme"] == ""  # the notice states no theme


def test_slogans_are_verbatim(data):
    slogans = data["slogans"]
    assert slogans["heading"] == "全市“安全生产月”活动宣传标语"
    assert slogans["note"] == "（与“百日行动”同步开展）"
    assert f"2.{slogans['attachment_title']}" in NOTICE
    for n, text in enumerate(slogans["items"], 1):
        assert re.search(rf"^\s*{n}．{re.escape(text)}\s*$", NOTICE, re.MULTILINE), text
    assert slogans["items"][1] == "生命至上 安全第一"


def test_dates_periods_leadership_and_round(campaign_2021):
    shanghai = ZoneInfo("Asia/Shanghai")
    assert campaign_2021.issue_date == dt.date(2021, 6, 2)
    assert campaign_2021.printed_date == dt.date(2021, 6, 2)
    assert campaign_2021.status == CampaignStatus.DRAFT
    periods = {p.code: (p.name, p.start, p.end) for p in campaign_2021.periods.all()}
    assert periods == {
        "safety_month": ("安全生产月", dt.date(2021, 6, 1), dt.date(2021, 6, 30)),
        "yuzhou_tour": ("安全生产渝州行", dt.date(2021, 6, 1), dt.date(2021, 12, 31)),
    }
    leadership = [(m.position, m.description, m.name) for m in campaign_2021.leadership.all()]
    assert leadership == [
        (LeadershipPosition.LEADER, "区商务委主任", ""),
        (LeadershipPosition.DEPUTY, "委班子成员", ""),
        (LeadershipPosition.MEMBER, "各责任科室负责人", ""),
        (LeadershipPosition.LEAD, "副主任", "孙林"),
    ]
    rnd = campaign_2021.rounds.get()
    assert rnd.name == "活动进展情况统计表报送"
    # "6月28日前": by the end of 28 June, Beijing time
    assert rnd.deadline == dt.datetime(2021, 6, 28, 23, 59, 59, tzinfo=shanghai)
    assert rnd.report_to.name == "规划秩序科" and rnd.report_to_name == "规划秩序科"
    assert rnd.expected_kinds == ["section"]
    assert campaign_2021.office_org.name == "规划秩序科"
    assert campaign_2021.issuing_org.name == "重庆市大渡口区商务委员会"
    assert (campaign_2021.contact_name, campaign_2021.contact_phone) == ("秦轲", "68083116")


def test_participants_rules_pair_every_sessions_count(data):
    """Every "（ ）场/次，参与（ ）人次" pair has a rule: participants ≥ sessions, as an error."""
    rules = data["forms"][0]["rules"]
    assert all(r["operator"] == ">=" and r["severity"] == "error" for r in rules)
    pairs = {(r["right"], r["left"]) for r in rules}
    expected = set()
    for item in data["forms"][0]["items"]:
        for m in re.finditer(
            r"\[\[([a-z0-9_]+)\]\][)）](?:场|次)，参与（\[\[([a-z0-9_]+)\]\]）人次", item["progress_text"]
        ):
            expected.add((m.group(1), m.group(2)))
    assert pairs == expected
    assert len(pairs) == 10
    for rule in rules:
        assert rule["message"].endswith("。") and "参与人次不能少于" in rule["message"]


def test_shipped_file_round_trips(campaign_2021, text_2021):
    assert dump_campaign(campaign_2021) == text_2021


def test_load_dump_load_dump_is_identical(cast, text_2021):
    first = dump_campaign(load_campaign(text_2021).campaign)
    second = dump_campaign(load_campaign(first).campaign)
    assert first == second == text_2021


def test_schema_copy_in_docs_is_the_app_schema():
    docs = Path(definition.__file__).resolve().parents[2] / "docs" / "campaign-definition.schema.json"
    assert docs.read_text(encoding="utf-8") == definition.SCHEMA_PATH.read_text(encoding="utf-8")
