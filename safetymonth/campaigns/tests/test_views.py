"""Office UI views: list, page, copy, editor (inline edits), preview, publish, close, download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safetymonth.audit.models import AuditEntry
from safetymonth.campaigns.models import Campaign, CampaignStatus
from safetymonth.campaigns.services import copy_campaign, publish_campaign

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft_2022(cast, campaign_2021) -> Campaign:
    return copy_campaign(cast.office, campaign_2021, "dadukou-commerce-2022", 2022, "2022年安全生产月")


def url(name, campaign, *args):
    return reverse(f"campaigns:{name}", args=[campaign.public_id, *args])


def test_list_per_role(client, cast, campaign_2021, draft_2022):
    publish_campaign(None, campaign_2021)
    client.force_login(cast.office)
    body = client.get(reverse("campaigns:list")).content.decode()
    assert "2022年安全生产月" in body and "渡商发〔2021〕19号" in body
    client.force_login(cast.section_staff)
    body = client.get(reverse("campaigns:list")).content.decode()
    assert "2022年安全生产月" not in body and "渡商发〔2021〕19号" in body
    assert "已逾期" in body  # the 2021 deadline has passed
    client.force_login(cast.other_office)
    assert "渡商发" not in client.get(reverse("campaigns:list")).content.decode()


def test_detail_shows_the_notice_and_buttons_by_role(client, cast, campaign_2021):
    client.force_login(cast.office)
    body = client.get(url("detail", campaign_2021)).content.decode()
    for text in (
        "渡商发〔2021〕19号",
        "委属各科室",
        "渝商务〔2021〕145号",
        "秦轲",
        "68083116",
        "2qtq",
        "生命至上 安全第一",
    ):
        assert text in body
    assert 'data-testid="campaign-publish"' in body and 'data-testid="campaign-edit"' in body
    assert "（七）" in body  # the seventh main content, numbered as in the notice
    publish_campaign(None, campaign_2021)
    client.force_login(cast.section_staff)
    body = client.get(url("detail", campaign_2021)).content.decode()
    assert "渡商发〔2021〕19号" in body
    assert 'data-testid="campaign-edit"' not in body and 'data-testid="campaign-close"' not in body


def test_copy_makes_a_draft_and_opens_its_editor(client, cast, campaign_2021):
    client.force_login(cast.office)
    response = client.post(
        url("copy", campaign_2021), {"code": "dadukou-commerce-2022", "year": "2022", "title": "2022年通知"}
    )
    copy = Campaign.objects.get(code="dadukou-commerce-2022")
    assert response.status_code == 302 and response["Location"] == url("edit", copy)
    assert copy.status == CampaignStatus.DRAFT and copy.copied_from == campaign_2021
    # a used code is refused at the field, typed values kept
    response = client.post(url("copy", campaign_2021), {"code": "dadukou-commerce-2022", "year": "2023", "title": "X"})
    assert response.status_code == 200
    assert "已被使用" in response.content.decode() and 'value="2023"' in response.content.decode()


def test_editor_page_renders(client, cast, draft_2022):
    client.force_login(cast.office)
    body = client.get(url("edit", draft_2022)).content.decode()
    assert "theory_study_sessions" in body and 'data-testid="add-items"' in body


def test_inline_edit_of_essentials_and_stale_version(client, cast, draft_2022):
    client.force_login(cast.office)
    get = client.get(url("edit_essentials", draft_2022), **HTMX)
    assert get.status_code == 200 and 'name="version"' in get.content.decode()
    form = get.context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(doc_number="渡商发〔2022〕8号", issue_date="2022-05-20", version=draft_2022.version)
    response = client.post(url("edit_essentials", draft_2022), data, **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#campaign-editor"
    # the editor that replaces the form shows what was just saved (it showed the values from
    # before the save, so the office thought the 发文字号 and 成文日期 had not been saved)
    assert response.context["data"]["doc_number"] == "渡商发〔2022〕8号"
    assert response.context["data"]["issue_date"] == "2022-05-20"
    draft_2022.refresh_from_db()
    assert draft_2022.doc_number == "渡商发〔2022〕8号"
    # the same form again (old version): refused, typed values kept, current shown
    data["doc_number"] = "渡商发〔2022〕9号"
    response = client.post(url("edit_essentials", draft_2022), data, **HTMX)
    body = response.content.decode()
    assert "该活动已被他人修改，请刷新后再改" in body and "渡商发〔2022〕9号" in body
    assert response.context["current_text"] == "发文字号：渡商发〔2022〕8号"  # what differs, as now saved
    draft_2022.refresh_from_db()
    assert draft_2022.doc_number == "渡商发〔2022〕8号"
    # having seen it, saving again overwrites on purpose (the form now carries the current version)
    assert response.context["form"]["version"].value() == str(draft_2022.version)
    data["version"] = draft_2022.version
    client.post(url("edit_essentials", draft_2022), data, **HTMX)
    draft_2022.refresh_from_db()
    assert draft_2022.doc_number == "渡商发〔2022〕9号"


def test_progress_text_marker_errors_at_the_field(client, cast, draft_2022):
    client.force_login(cast.office)
    edit = url("row_edit", draft_2022, "items", 0)
    form = client.get(edit).context["form"]
    data = {**form.initial, "version": draft_2022.version}
    data["progress_text"] = data["progress_text"].replace("[[theory_study_sessions]]", "[[no_such_code]]")
    response = client.post(edit, data)
    errors = response.context["form"].errors
    assert "progress_text" in errors
    text = " ".join(errors["progress_text"])
    assert "no_such_code" in text and "theory_study_sessions" in text
    assert "[[no_such_code]]" in response.content.decode()  # typed text kept


def test_add_indicator_with_marker_and_rule_then_preview(client, cast, draft_2022):
    client.force_login(cast.office)
    add = url("indicator_add", draft_2022, 0)
    text = client.get(add).context["form"].initial["progress_text"]
    response = client.post(
        add,
        {
            "version": draft_2022.version,
            "code": "safety_talk_sessions",
            "label": "安全讲座场次",
            "kind": "integer",
            "unit": "场",
            "required": "on",
            "min_value": "0",
            "progress_text": text + "\n开展安全讲座（[[safety_talk_sessions]]）场",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    draft_2022.refresh_from_db()
    # appended at the end when the marker is not typed (box checked)
    response = client.post(
        add,
        {
            "version": draft_2022.version,
            "code": "safety_talk_participants",
            "label": "安全讲座参与人次",
            "kind": "integer",
            "unit": "人次",
            "progress_text": draft_2022.forms.get().items.get(code="theory_study").progress_text,
            "append_marker": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    draft_2022.refresh_from_db()
    item = draft_2022.forms.get().items.get(code="theory_study")
    assert item.progress_text.endswith("开展安全讲座（[[safety_talk_sessions]]）场（[[safety_talk_participants]]）人次")
    assert list(item.indicators.order_by("order").values_list("code", flat=True))[-2:] == [
        "safety_talk_sessions",
        "safety_talk_participants",
    ]
    response = client.post(
        url("row_add", draft_2022, "rules"),
        {
            "version": draft_2022.version,
            "code": "safety_talk_participants_at_least_sessions",
            "left": "safety_talk_participants",
            "operator": ">=",
            "right": "safety_talk_sessions",
            "message": "安全讲座参与人次不能少于场次。",
            "missing_value_strategy": "skip_if_any_missing",
            "severity": "error",
        },
    )
    assert response.status_code == 302
    preview = client.post(
        url("preview", draft_2022), {"ind-safety_talk_sessions": "3", "ind-safety_talk_participants": "1"}
    )
    body = preview.content.decode()
    assert 'name="ind-safety_talk_sessions"' in body and "安全讲座参与人次不能少于场次。" in body
    assert 'value="1"' in body


def test_rule_with_unknown_indicator_is_refused_at_the_field(client, cast, draft_2022):
    client.force_login(cast.office)
    response = client.post(
        url("row_add", draft_2022, "rules"),
        {
            "version": draft_2022.version,
            "code": "bad_rule",
            "left": "nope",
            "operator": ">=",
            "right": "theory_study_sessions",
            "message": "m",
            "missing_value_strategy": "skip_if_any_missing",
            "severity": "error",
        },
        **HTMX,
    )
    assert "left" in response.context["form"].errors
    assert "nope" in " ".join(response.context["form"].errors["left"])


def test_delete_and_move(client, cast, draft_2022):
    client.force_login(cast.office)
    slogans = list(draft_2022.slogans.values_list("text", flat=True))
    response = client.post(url("row_move", draft_2022, "slogans", 1, "up"), {"version": draft_2022.version}, **HTMX)
    assert response.status_code == 200
    draft_2022.refresh_from_db()
    assert list(draft_2022.slogans.values_list("text", flat=True))[:2] == [slogans[1], slogans[0]]
    # a rule names theory_study_sessions: refused, saying which
    response = client.post(url("indicator_delete", draft_2022, 0, 0), {"version": draft_2022.version}, **HTMX)
    assert "theory_study_sessions" in response.context["error_message"]
    item = draft_2022.forms.get().items.get(code="theory_study")
    assert item.indicators.filter(code="theory_study_sessions").exists()
    # no rule names special_film_studied: gone, with its blank
    draft_2022.refresh_from_db()
    response = client.post(url("indicator_delete", draft_2022, 0, 2), {"version": draft_2022.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert "special_film_studied" not in item.progress_text
    assert not item.indicators.filter(code="special_film_studied").exists()


def test_round_deadline_and_kinds(client, cast, draft_2022):
    client.force_login(cast.office)
    edit = url("row_edit", draft_2022, "rounds", 0)
    form = client.get(edit).context["form"]
    data = {**form.initial, "version": draft_2022.version, "deadline": "2022-06-27T18:00"}
    data["expected_kinds"] = ["section", "enterprise"]
    response = client.post(edit, data)
    assert response.status_code == 302
    rnd = draft_2022.rounds.get()
    assert rnd.expected_kinds == ["section", "enterprise"]
    assert rnd.deadline.isoformat() == "2022-06-27T10:00:00+00:00"


def test_published_structure_is_refused(client, cast, campaign_2021):
    publish_campaign(None, campaign_2021)
    client.force_login(cast.office)
    assert client.get(url("row_add", campaign_2021, "items")).status_code == 403
    assert client.get(url("indicator_edit", campaign_2021, 0, 0)).status_code == 403
    assert client.post(url("row_delete", campaign_2021, "rules", 0), {"version": 2}).status_code == 403
    # texts and the round's deadline stay editable
    assert client.get(url("row_edit", campaign_2021, "slogans", 0)).status_code == 200
    response = client.get(url("row_edit", campaign_2021, "rounds", 0))
    assert response.status_code == 200 and response.context["form"].fields["report_to"].disabled
    body = client.get(url("edit", campaign_2021)).content.decode()
    assert 'data-testid="add-items"' not in body


def test_publish_with_warning_needs_confirmation_then_close(client, cast, campaign_2021):
    client.force_login(cast.office)
    response = client.post(url("publish", campaign_2021), {"version": campaign_2021.version})
    campaign_2021.refresh_from_db()
    assert response.status_code == 302 and campaign_2021.status == CampaignStatus.DRAFT
    client.post(url("publish", campaign_2021), {"version": campaign_2021.version, "confirm_warnings": "1"})
    campaign_2021.refresh_from_db()
    assert campaign_2021.status == CampaignStatus.PUBLISHED
    client.post(url("close", campaign_2021), {"version": campaign_2021.version})
    campaign_2021.refresh_from_db()
    assert campaign_2021.status == CampaignStatus.CLOSED
    assert client.get(url("edit", campaign_2021)).status_code == 403


def test_definition_download_is_audited(client, cast, campaign_2021):
    client.force_login(cast.office)
    response = client.get(url("definition_yaml", campaign_2021))
    assert response.status_code == 200
    assert "code: dadukou-commerce-2021" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_id=campaign_2021.public_id).exists()


def test_home_card_and_nav_for_every_role(client, cast, campaign_2021):
    publish_campaign(None, campaign_2021)
    for user in (cast.office, cast.leader, cast.section_staff, cast.enterprise_staff, cast.tip_handler):
        client.force_login(user)
        body = client.get(reverse("core:home")).content.decode()
        assert 'data-testid="home-campaigns"' in body and campaign_2021.title in body
        assert 'data-testid="countdown"' in body
        assert f'href="{reverse("campaigns:list")}"' in body
    client.force_login(cast.other_office)
    assert 'data-testid="home-campaigns"' not in client.get(reverse("core:home")).content.decode()


def test_countdown_days_in_beijing_time():
    import datetime as dt

    from safetymonth.campaigns.office import countdown

    utc = dt.UTC
    deadline = dt.datetime(2022, 6, 28, 15, 59, 59, tzinfo=utc)  # 23:59:59 in Beijing
    assert countdown(deadline, dt.datetime(2022, 6, 27, 16, 30, tzinfo=utc)).days == 0  # 00:30 on the 28th
    assert countdown(deadline, dt.datetime(2022, 6, 27, 15, 30, tzinfo=utc)).days == 1
    late = countdown(deadline, dt.datetime(2022, 6, 30, 2, tzinfo=utc))
    assert late.overdue and late.overdue_days == 2


def test_renaming_an_indicator_renames_its_marker_and_rules(client, cast, draft_2022):
    client.force_login(cast.office)
    edit = url("indicator_edit", draft_2022, 0, 0)
    form = client.get(edit).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(version=draft_2022.version, code="study_sessions", required="on")
    response = client.post(edit, data)
    assert response.status_code == 302
    form_ = draft_2022.forms.get()
    assert "[[study_sessions]]" in form_.items.get(code="theory_study").progress_text
    assert form_.rules.get(code="theory_study_participants_at_least_sessions").right == "study_sessions"


def test_published_round_keeps_its_locked_fields(client, cast, campaign_2021):
    publish_campaign(None, campaign_2021)
    campaign_2021.refresh_from_db()
    client.force_login(cast.office)
    edit = url("row_edit", campaign_2021, "rounds", 0)
    form = client.get(edit).context["form"]
    data = {**form.initial, "version": campaign_2021.version, "deadline": "2021-06-30T18:00", "name": "补报"}
    data.update(report_to="市场运行科", expected_kinds=["enterprise"])  # disabled: ignored
    response = client.post(edit, data)
    assert response.status_code == 302
    rnd = campaign_2021.rounds.get()
    assert rnd.name == "补报" and rnd.expected_kinds == ["section"] and rnd.report_to_name == "规划秩序科"


def test_concurrent_row_edit_is_refused_with_the_current_entry(client, cast, draft_2022):
    client.force_login(cast.office)
    edit = url("row_edit", draft_2022, "slogans", 0)
    seen = draft_2022.version
    client.post(edit, {"version": seen, "text": "他人改过的标语"})
    response = client.post(edit, {"version": seen, "text": "我的标语"}, **HTMX)
    body = response.content.decode()
    assert "该活动已被他人修改，请刷新后再改" in body
    assert 'value="我的标语"' in body and "他人改过的标语" in body  # typed kept, current shown


def test_section_staff_cannot_edit_or_publish(client, cast, campaign_2021):
    publish_campaign(None, campaign_2021)
    client.force_login(cast.section_staff)
    assert client.get(url("edit", campaign_2021)).status_code == 403
    assert client.post(url("close", campaign_2021), {"version": 2}).status_code == 403
    assert client.get(url("definition_yaml", campaign_2021)).status_code == 403
    assert client.get(url("preview", campaign_2021)).status_code == 200


def test_bad_input_never_500(client, cast, draft_2022):
    client.force_login(cast.office)
    for section, data in [
        ("periods", {"version": "x", "code": "A B", "start": "2022-13-01", "end": "nope"}),
        ("rounds", {"version": draft_2022.version, "deadline": "tomorrow", "expected_kinds": ["martian"]}),
        (
            "rules",
            {"version": draft_2022.version, "code": "r", "left": "1 +", "operator": "=>", "right": "(", "message": "m"},
        ),
        ("items", {"version": draft_2022.version, "code": "x", "title": "t", "progress_text": "[[Bad Code]] [[x"}),
    ]:
        response = client.post(url("row_add", draft_2022, section), data, **HTMX)
        assert response.status_code == 200, section
        assert response.context["form"].errors, section


def test_form_title_and_header_fields(client, cast, draft_2022):
    client.force_login(cast.office)
    edit = url("row_edit", draft_2022, "forms", 0)
    form = client.get(edit).context["form"]
    data = {**form.initial, "version": draft_2022.version, "header_fields": "填报科室\r\n联系人\r\n\r\n填报日期"}
    data["title"] = "2022年活动进展情况统计表"
    assert client.post(edit, data).status_code == 302
    report_form = draft_2022.forms.get()
    assert report_form.title == "2022年活动进展情况统计表"
    assert report_form.header_fields == ["填报科室", "联系人", "填报日期"]


def test_chinese_numbering():
    from safetymonth.campaigns.templatetags.campaign_office import cn_number

    assert [cn_number(n) for n in (1, 7, 10, 11, 20, 23, 99, 0, "x")] == [
        "一",
        "七",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
        "0",
        "x",
    ]


def test_progress_text_without_a_marker_and_reordered_markers(client, cast, draft_2022):
    client.force_login(cast.office)
    edit = url("row_edit", draft_2022, "items", 0)
    initial = client.get(edit).context["form"].initial
    text = initial["progress_text"]
    data = {**initial, "version": draft_2022.version, "progress_text": text.replace("[[lecture_participants]]", "")}
    errors = client.post(edit, data, **HTMX).context["form"].errors
    assert "lecture_participants" in " ".join(errors["progress_text"])
    # swapping two markers reorders the indicators to follow the text
    swapped = text.replace("[[theory_study_sessions]]", "[[tmp]]")
    swapped = swapped.replace("[[theory_study_participants]]", "[[theory_study_sessions]]").replace(
        "[[tmp]]", "[[theory_study_participants]]"
    )
    assert client.post(edit, {**data, "progress_text": swapped}).status_code == 302
    item = draft_2022.forms.get().items.get(code="theory_study")
    assert list(item.indicators.order_by("order").values_list("code", flat=True))[:2] == [
        "theory_study_participants",
        "theory_study_sessions",
    ]


def test_preview_try_checks_rules_and_on_request_required_blanks(client, cast, campaign_2021):
    client.force_login(cast.office)
    typed = {"ind-theory_study_sessions": "5", "ind-theory_study_participants": "2"}
    check = client.post(url("preview", campaign_2021), {**typed, "check": "try"}).context["check"]
    assert check.errors == {"theory_study_participants": ["理论学习中心组学习的参与人次不能少于学习次数。"]}
    check = client.post(url("preview", campaign_2021), {**typed, "check": "submit"}).context["check"]
    assert "special_film_studied" in check.errors
    assert Campaign.objects.get(pk=campaign_2021.pk).version == campaign_2021.version  # nothing saved


def _essentials(client, campaign, **changes):
    form = client.get(url("edit_essentials", campaign)).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(version=campaign.version, **changes)
    return client.post(url("edit_essentials", campaign), data, **HTMX)


def test_essentials_unknown_office_is_refused_at_the_field(client, cast, draft_2022):
    client.force_login(cast.office)
    response = _essentials(client, draft_2022, office="不存在的科室")
    assert "不存在的科室" in " ".join(response.context["form"].errors["office"])


def test_published_essentials_keep_the_year(client, cast, campaign_2021):
    publish_campaign(None, campaign_2021)
    campaign_2021.refresh_from_db()
    client.force_login(cast.office)
    response = _essentials(client, campaign_2021, year="2030", contact_phone="023-68083116")
    assert response.status_code == 200 and response["HX-Retarget"] == "#campaign-editor"
    campaign_2021.refresh_from_db()
    assert campaign_2021.year == 2021 and campaign_2021.contact_phone == "023-68083116"
