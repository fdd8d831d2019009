"""Loading definitions: line-numbered errors, semantic checks, idempotent upsert, the publishing lock."""

from __future__ import annotations

import copy
import textwrap

import pytest
import yaml

from safetymonth.audit.models import AuditEntry
from safetymonth.campaigns import definition, services
from safetymonth.campaigns.definition import DefinitionError
from safetymonth.campaigns.models import Campaign, CampaignStatus, Indicator
from safetymonth.campaigns.services import campaign_to_data, load_campaign, publish_campaign, save_definition

MINIMAL = textwrap.dedent(
    """\
    code: test-2022
    year: 2099
    title: 测试活动
    issuing_org: 重庆市大渡口区商务委员会
    issue_date: 2099-06-01
    doc_number: 渡商发〔2099〕1号
    forms:
    - code: progress
      title: 进展情况统计表
      items:
      - code: study
        title: 学习
        progress_text: 学习（[[sessions]]）次，参与（[[participants]]）人次；专题片 [[watched]]
        indicators:
        - code: sessions
          kind: integer
          unit: 次
          label: 学习次数
        - code: participants
          kind: integer
          unit: 人次
          label: 参与人次
        - code: watched
          kind: boolean
          label: 是否观看
      rules:
      - code: participants_at_least_sessions
        left: participants
        operator: '>='
        right: sessions
        message: 参与人次不能少于学习次数。
    rounds:
    - code: r1
      name: 第一批
      form: progress
      deadline: 2099-06-28T23:59:59+08:00
      report_to: 规划秩序科
    """
)


def problems_of(text_or_data) -> list[definition.Problem]:
    with pytest.raises(DefinitionError) as info:
        load_campaign(text_or_data)
    return info.value.problems


def one_problem(text_or_data) -> definition.Problem:
    problems = problems_of(text_or_data)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


# -- minimal file, defaults ---------------------------------------------------------------------


def test_minimal_file_loads_with_defaults(cast):
    result = load_campaign(MINIMAL, cast.office)
    campaign = result.campaign
    assert result.created
    assert campaign.status == CampaignStatus.DRAFT and campaign.issuing_org == cast.commission
    rnd = campaign.rounds.get()
    assert rnd.expected_kinds == ["section"] and rnd.lock_at_deadline is False and rnd.report_to == cast.office_org
    rule = campaign.forms.get().rules.get()
    assert rule.missing_value_strategy == "skip_if_any_missing" and rule.severity == "error"
    entry = AuditEntry.objects.filter(object_id=campaign.public_id).get()
    assert entry.action == AuditEntry.Action.CREATE and entry.actor == cast.office and entry.org == cast.commission


def test_minimal_file_dump_is_canonical_and_stable(cast):
    dumped = services.dump_campaign(load_campaign(MINIMAL).campaign)
    assert dumped.startswith(definition.HEADER)
    assert "theme: ''" in dumped and "expected_kinds:\n  - section" in dumped
    again = services.dump_campaign(load_campaign(dumped).campaign)
    assert again == dumped


# -- malformed YAML and schema errors have line numbers -----------------------------------------


def test_malformed_yaml_gives_parser_line_and_column(cast):
    text = MINIMAL.replace("  - code: study\n", "  - code: study\n   bad: [unclosed\n")
    problem = one_problem(text)
    assert problem.line is not None and problem.line >= line_of(text, "bad: [unclosed")
    assert "YAML" in problem.message and f"第{problem.line}行" in str(problem)


def test_tab_indentation_is_reported_with_line(cast):
    text = MINIMAL.replace("    - code: sessions\n", "\t- code: sessions\n")
    problem = one_problem(text)
    assert problem.line == line_of(text, "\t- code: sessions")


def test_duplicate_yaml_key_is_reported(cast):
    text = MINIMAL.replace("title: 测试活动\n", "title: 测试活动\ntitle: 又一个\n")
    problem = one_problem(text)
    assert problem.line == 4 and problem.path == "title" and "重复" in problem.message


def test_schema_unknown_key_names_line_and_key(cast):
    text = MINIMAL.replace("      label: 参与人次\n", "      label: 参与人次\n      lable: 错字\n")
    problem = one_problem(text)
    assert problem.line == line_of(text, "lable: 错字")
    assert problem.path == "forms[0].items[0].indicators[1].lable"
    assert "lable" in problem.message


def test_schema_wrong_enum_and_type_and_missing_key(cast):
    text = MINIMAL.replace("kind: boolean", "kind: yesno").replace("year: 2099", "year: 二〇九九")
    text = text.replace("      - code: r1\n", "")
    problems = problems_of(text)
    by_path = {p.path: p for p in problems}
    assert by_path["year"].line == 2 and "整数" in by_path["year"].message
    kind = by_path["forms[0].items[0].indicators[2].kind"]
    assert kind.line == line_of(text, "kind: yesno") and "yesno" in kind.message


def test_schema_missing_required_key_points_at_its_mapping(cast):
    text = MINIMAL.replace("      label: 学习次数\n", "")
    problem = one_problem(text)
    assert problem.path == "forms[0].items[0].indicators[0]"
    assert problem.line == line_of(text, "- code: sessions") and "label" in problem.message


def test_schema_bad_deadline_and_code(cast):
    text = MINIMAL.replace("2099-06-28T23:59:59+08:00", "2099-06-28").replace("code: study", "code: Study")
    problems = problems_of(text)
    assert {p.path for p in problems} == {"rounds[0].deadline", "forms[0].items[0].code"}
    deadline = next(p for p in problems if p.path == "rounds[0].deadline")
    assert deadline.line == line_of(text, "deadline: 2099-06-28") and "+08:00" in deadline.message


def test_empty_file(cast):
    assert one_problem("").message == "文件为空。"
    assert "应为键值映射" in one_problem("- a\n- b\n").message


# -- semantic errors are named ------------------------------------------------------------------


def test_marker_without_indicator(cast):
    text = MINIMAL.replace("专题片 [[watched]]", "专题片 [[watched]]，另有（[[extra]]）场")
    problem = one_problem(text)
    assert problem.path == "forms[0].items[0].progress_text" and "[[extra]]" in problem.message
    assert problem.line == line_of(text, "progress_text:")


def test_indicator_without_marker(cast):
    text = MINIMAL.replace("；专题片 [[watched]]", "")
    problem = one_problem(text)
    assert problem.path == "forms[0].items[0].indicators[2].code" and "watched" in problem.message
    assert problem.line == line_of(text, "- code: watched")


def test_malformed_marker_names_position(cast):
    text = MINIMAL.replace("（[[sessions]]）", "（[[sessions）")
    problem = one_problem(text)
    assert "第4个字符" in problem.message and "[[" in problem.message
    # the column points at the "[[" inside the line
    line = text.split("\n")[problem.line - 1]
    assert line[problem.column - 1 : problem.column + 1] == "[["


def test_duplicate_indicator_codes(cast):
    text = MINIMAL.replace("code: watched", "code: sessions").replace("[[watched]]", "[[sessions]]")
    problems = problems_of(text)
    assert any("指标代码“sessions”重复" in p.message and p.path.endswith("indicators[2].code") for p in problems)


def test_indicator_order_must_follow_the_text(cast):
    text = MINIMAL.replace(
        "学习（[[sessions]]）次，参与（[[participants]]）人次", "参与（[[participants]]）人次，学习（[[sessions]]）次"
    )
    problem = one_problem(text)
    assert "顺序" in problem.message and "participants、sessions" in problem.message


@pytest.mark.parametrize(
    ("left", "needle"),
    [
        ("participants +", "表达式不完整"),
        ("participants / 2", "不允许的字符“/”"),
        ("participant", "指标“participant”不存在"),
        ("watched", "不是整数指标"),
        ("(participants", "括号未闭合"),
    ],
)
def test_bad_rule_expression(cast, left, needle):
    text = MINIMAL.replace("left: participants", f"left: '{left}'")
    problem = one_problem(text)
    assert problem.path == "forms[0].rules[0].left" and needle in problem.message
    assert problem.line == line_of(text, "left:")


def test_round_names_unknown_form_and_org(cast):
    text = MINIMAL.replace("form: progress", "form: nothing").replace("report_to: 规划秩序科", "report_to: 不存在科")
    problems = problems_of(text)
    assert [p.path for p in problems] == ["rounds[0].form"]  # org lookup runs after the definition is valid
    text = MINIMAL.replace("report_to: 规划秩序科", "report_to: 不存在科")
    problem = one_problem(text)
    assert problem.path == "rounds[0].report_to" and "不存在科" in problem.message


def test_issuing_org_must_exist(cast):
    problem = one_problem(MINIMAL.replace("issuing_org: 重庆市大渡口区商务委员会", "issuing_org: 不存在的委员会"))
    assert problem.path == "issuing_org" and problem.line == 4


def test_report_to_is_looked_up_inside_the_issuing_tree(cast):
    from tests.factories import make_org

    make_org("规划秩序科", "section", cast.other_authority)
    campaign = load_campaign(MINIMAL).campaign
    assert campaign.rounds.get().report_to == cast.office_org


def test_dict_input_problems_have_paths(cast):
    data = yaml.safe_load(MINIMAL)
    data["forms"][0]["items"][0]["indicators"][0]["min_value"] = 5
    data["forms"][0]["items"][0]["indicators"][0]["max_value"] = 1
    problem = one_problem(data)
    assert problem.line is None and problem.path == "forms[0].items[0].indicators[0].max_value"


# -- idempotent upsert --------------------------------------------------------------------------


def test_reload_changes_nothing(cast, text_2021):
    first = load_campaign(text_2021, cast.office)
    pks = sorted(Indicator.objects.values_list("pk", flat=True))
    entries, version = AuditEntry.objects.count(), first.campaign.version
    second = load_campaign(text_2021, cast.office)
    assert not second.created and second.changes == [] and not second.changed
    assert AuditEntry.objects.count() == entries
    assert Campaign.objects.get().version == version
    assert sorted(Indicator.objects.values_list("pk", flat=True)) == pks


def test_update_keeps_ids_and_records_changes(cast):
    campaign = load_campaign(MINIMAL).campaign
    sessions = Indicator.objects.get(code="sessions")
    text = MINIMAL.replace("label: 学习次数", "label: 集中学习次数").replace(
        "title: 测试活动", "title: 测试活动（修订）"
    )
    result = load_campaign(text, cast.office)
    assert [c.describe() for c in result.changes] == ["修改活动“test-2022”（title）", "修改指标“sessions”（label）"]
    sessions.refresh_from_db()
    assert sessions.label == "集中学习次数"
    campaign.refresh_from_db()
    assert campaign.version == 2
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).get()
    assert entry.changes["changes"] == ["修改活动“test-2022”（title）", "修改指标“sessions”（label）"]


def test_draft_may_remove_and_move_indicators(cast):
    load_campaign(MINIMAL)
    text = MINIMAL.replace("；专题片 [[watched]]", "").replace(
        "    - code: watched\n      kind: boolean\n      label: 是否观看\n", ""
    )
    result = load_campaign(text)
    assert [c.describe() for c in result.changes] == [
        "修改活动项目“study”（progress_text、indicators）",
        "删除指标“watched”",
    ]
    assert not Indicator.objects.filter(code="watched").exists()


def test_indicator_with_values_cannot_be_removed_even_in_a_draft(cast, monkeypatch):
    load_campaign(MINIMAL)
    monkeypatch.setattr(services, "indicator_has_values", lambda indicator: indicator.code == "watched")
    text = MINIMAL.replace("；专题片 [[watched]]", "").replace(
        "    - code: watched\n      kind: boolean\n      label: 是否观看\n", ""
    )
    problem = one_problem(text)
    assert "指标“watched”已有填报数据" in problem.message
    changed = MINIMAL.replace("unit: 人次", "unit: 人")
    monkeypatch.setattr(services, "indicator_has_values", lambda indicator: indicator.code == "participants")
    problem = one_problem(changed)
    assert "participants" in problem.message and "unit" in problem.message
    assert problem.line == line_of(changed, "- code: participants")


# -- the publishing lock ------------------------------------------------------------------------


@pytest.fixture
def published(cast):
    campaign = load_campaign(MINIMAL).campaign
    publish_campaign(cast.office, campaign)
    return campaign


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("unit: 人次", "unit: 人", "修改指标“participants”（unit）"),
        ("kind: boolean\n  ", "kind: text\n  ", "修改指标“watched”（kind）"),
        ("label: 学习次数", "label: 学习次数\n      max_value: 99", "修改指标“sessions”（max_value）"),
        ("message: 参与人次不能少于学习次数。", "message: 改了", "修改规则“participants_at_least_sessions”（message）"),
        (
            "form: progress\n",
            "form: progress\n  expected_kinds: [section, enterprise]\n",
            "修改填报批次“r1”（expected_kinds）",
        ),
    ],
)
def test_published_campaign_refuses_structural_changes(published, old, new, named):
    text = MINIMAL.replace(old, new)
    assert text != MINIMAL
    problems = problems_of(text)
    assert any(named in p.message and "已发布" in p.message for p in problems), [str(p) for p in problems]


def test_published_campaign_refuses_removed_indicator_naming_it(published):
    text = MINIMAL.replace("；专题片 [[watched]]", "").replace(
        "    - code: watched\n      kind: boolean\n      label: 是否观看\n", ""
    )
    messages = [p.message for p in problems_of(text)]
    assert any("删除指标“watched”" in m for m in messages)
    assert Indicator.objects.filter(code="watched").exists()


def test_published_campaign_refuses_new_item(published):
    text = MINIMAL.replace(
        "  rules:\n",
        "  - code: extra\n    title: 新项目\n    progress_text: 开展（[[extra_n]]）场\n"
        "    indicators:\n    - code: extra_n\n      kind: integer\n      label: 场次\n  rules:\n",
    )
    messages = [p.message for p in problems_of(text)]
    assert any("新增活动项目“extra”" in m for m in messages) and any("新增指标“extra_n”" in m for m in messages)


def test_published_campaign_accepts_non_structural_edits(published, cast):
    text = MINIMAL.replace("title: 测试活动", "title: 测试活动\ncontact:\n  name: 秦轲\n  phone: '68083116'")
    text = text.replace("2099-06-28T23:59:59+08:00", "2099-06-30T23:59:59+08:00").replace(
        "name: 第一批", "name: 第一批（延期）"
    )
    result = load_campaign(text, cast.office)
    assert {c.what for c in result.changes} == {"campaign", "round"}
    published.refresh_from_db()
    assert published.contact_name == "秦轲" and published.status == CampaignStatus.PUBLISHED
    assert published.rounds.get().name == "第一批（延期）"


def test_closed_campaign_is_read_only(published, cast):
    services.close_campaign(cast.office, published)
    problem = one_problem(MINIMAL.replace("title: 测试活动", "title: 改名"))
    assert "已结束" in problem.message
    assert load_campaign(MINIMAL).changes == []  # unchanged files still load


# -- save_definition (the office UI's path) -----------------------------------------------------


def test_save_definition_checks_version_and_code(cast):
    campaign = load_campaign(MINIMAL).campaign
    data = campaign_to_data(campaign)
    data["title"] = "改过的标题"
    with pytest.raises(Exception, match="已被他人修改"):
        save_definition(cast.office, campaign, copy.deepcopy(data), expected_version=campaign.version + 1)
    result = save_definition(cast.office, campaign, data, expected_version=campaign.version)
    assert result.campaign.title == "改过的标题" and result.campaign.version == 2
    data["code"] = "other"
    with pytest.raises(DefinitionError):
        save_definition(cast.office, campaign, data)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).get()
    assert entry.actor == cast.office
