"""Event types in the campaign definition: the shipped 2021 mapping, load/dump round trip, the
checks with line numbers, copy, and edits after publishing."""

from __future__ import annotations

import pytest

from safetymonth.campaigns import definition
from safetymonth.campaigns.definition import DefinitionError
from safetymonth.campaigns.models import EventType
from safetymonth.campaigns.services import copy_campaign, dump_campaign, load_campaign
from safetymonth.events.tests.helpers import make_event
from safetymonth.reports.tests.helpers import FILE_2021, published_2021

TEXT = FILE_2021.read_text(encoding="utf-8")

MAPPING_2021 = {
    "theory_study": ("theory_study_sessions", "theory_study_participants"),
    "film_viewing": ("film_viewing_sessions", "film_viewing_participants"),
    "lecture": ("lecture_sessions", "lecture_participants"),
    "warning_film": ("warning_film_sessions", "warning_film_participants"),
    "warning_exhibition": ("warning_exhibition_visits", "warning_exhibition_participants"),
    "consultation": ("consultation_events", "consultation_participants"),
    "online_activity": ("online_events", "online_event_participants"),
    "drill": ("drills", "drill_participants"),
    "enterprise_activity": ("enterprise_activities", "enterprise_activity_participants"),
    "culture_activity": ("culture_activities", "culture_activity_participants"),
    "media_report": ("campaign_media_reports", None),
    "publicity_product": ("safety_products", None),
}


def _line(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def _problems(text: str) -> list[definition.Problem]:
    with pytest.raises(DefinitionError) as exc:
        load_campaign(text)
    return exc.value.problems


def test_2021_mapping_is_shipped(cast):
    campaign = load_campaign(TEXT).campaign
    got = {
        t.code: (
            t.count_indicator.code if t.count_indicator else None,
            t.participants_indicator.code if t.participants_indicator else None,
        )
        for t in EventType.objects.filter(campaign=campaign).select_related("count_indicator", "participants_indicator")
    }
    assert got == MAPPING_2021


def test_round_trip_is_byte_for_byte(cast):
    campaign = load_campaign(TEXT).campaign
    assert dump_campaign(campaign) == TEXT
    again = dump_campaign(load_campaign(dump_campaign(campaign)).campaign)
    assert again == TEXT


def test_unknown_code_has_its_line(cast):
    text = TEXT.replace("  count: drills\n", "  count: drils\n")
    (p,) = _problems(text)
    assert p.line == _line(text, "count: drils")
    assert "drils" in p.message and "不存在" in p.message
    assert p.path.startswith("event_types[") and p.path.endswith(".count")


def test_non_integer_indicator_is_refused(cast):
    text = TEXT.replace("  participants: drill_participants\n", "  participants: uses_national_platform\n")
    (p,) = _problems(text)
    assert p.line == _line(text, "participants: uses_national_platform")
    assert "整数指标" in p.message


def test_indicator_mapped_twice_is_refused(cast):
    text = TEXT.replace("  count: safety_products\n", "  count: drills\n")
    (p,) = _problems(text)
    assert p.line == _line(text, "count: drills", after="code: publicity_product")
    assert "drills" in p.message and "只能由一种活动类型" in p.message


def test_duplicate_type_code(cast):
    text = TEXT.replace("- code: publicity_product\n", "- code: drill\n")
    problems = _problems(text)
    assert any(
        "重复" in p.message and p.line == _line(text, "- code: drill", after="code: media_report") for p in problems
    )


def test_copy_keeps_event_types(cast):
    source = load_campaign(TEXT).campaign
    copy = copy_campaign(cast.office, source, "dadukou-commerce-2022", 2022, "2022年安全生产月")
    codes = list(copy.event_types.order_by("order").values_list("code", "count_indicator__code"))
    assert codes == [(c, m[0]) for c, m in MAPPING_2021.items()]
    # the copy's mappings point at the copy's own indicators
    assert all(t.count_indicator.form.campaign_id == copy.pk for t in copy.event_types.all())


def test_mapping_may_change_after_publishing_but_a_used_type_stays(cast):
    campaign = published_2021(cast)
    edited = TEXT.replace("  count: safety_products\n", "")
    result = load_campaign(edited)
    assert [c.code for c in result.changes if c.what == "event_type"] == ["publicity_product"]
    assert EventType.objects.get(campaign=campaign, code="publicity_product").count_indicator is None
    make_event(cast, cast.enterprise, "drill")
    start = edited.index("- code: drill\n")
    without_drill = edited[:start] + edited[edited.index("- code: enterprise_activity\n", start) :]
    (p,) = _problems(without_drill)
    assert "已有活动记录" in p.message
