"""The editor with several statistics forms: choosing one (``?form=<code>``), editing its items,
indicators and rules, adding a form and removing one no round uses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from safetymonth.campaigns.models import Campaign, CampaignStatus
from safetymonth.campaigns.services import DefinitionEdit, copy_campaign, edit_definition, publish_campaign

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}

SECOND = {
    "code": "hazards",
    "attachment_label": "附件2",
    "title": "隐患排查情况统计表",
    "header_fields": [],
    "items": [
        {
            "code": "checks",
            "title": "隐患排查",
            "requirement": "",
            "progress_text": "检查（[[check_visits]]）次，发现隐患（[[hazards_found]]）处。",
            "indicators": [
                {"code": "check_visits", "kind": "integer", "label": "检查次数", "required": True},
                {"code": "hazards_found", "kind": "integer", "label": "发现隐患", "required": False},
            ],
        }
    ],
    "rules": [],
}


@pytest.fixture
def draft(cast, campaign_2021) -> Campaign:
    """A 2022 draft with a second form, ``hazards`` (no round uses it)."""
    copy = copy_campaign(cast.office, campaign_2021, "dadukou-commerce-2022", 2022, "2022年安全生产月")
    edit_definition(None, copy, DefinitionEdit("insert", ("forms",), SECOND), expected_version=copy.version)
    copy.refresh_from_db()
    return copy


def url(name, campaign, *args, form=None):
    u = reverse(f"campaigns:{name}", args=[campaign.public_id, *args])
    return u + (f"?form={form}" if form else "")


def hazards(campaign):
    return campaign.forms.get(code="hazards")


def test_editor_lists_every_form_and_shows_the_chosen_one(client, cast, draft):
    client.force_login(cast.office)
    body = client.get(url("edit", draft)).content.decode()
    assert 'data-form-tab="progress"' in body and 'data-form-tab="hazards"' in body
    # the first form by default
    assert 'data-indicator="theory_study_sessions"' in body and 'data-indicator="check_visits"' not in body
    response = client.get(url("edit", draft, form="hazards"))
    body = response.content.decode()
    assert response.context["dform"]["code"] == "hazards"
    assert 'data-indicator="check_visits"' in body and 'data-indicator="theory_study_sessions"' not in body
    # the chosen form's links carry it
    assert url("indicator_edit", draft, 0, 1, form="hazards") in body
    assert url("row_add", draft, "items", form="hazards") in body
    assert url("row_add", draft, "rules", form="hazards") in body
    assert url("row_edit", draft, "forms", 1) in body  # its title


def test_unknown_form_code_is_404(client, cast, draft):
    client.force_login(cast.office)
    assert client.get(url("edit", draft, form="nosuch")).status_code == 404
    assert client.get(url("row_edit", draft, "items", 0, form="nosuch")).status_code == 404
    assert client.get(url("indicator_add", draft, 0, form="nosuch")).status_code == 404
    assert client.post(url("row_delete", draft, "rules", 0, form="nosuch"), {"version": 1}).status_code == 404
    # an item the chosen form does not have
    assert client.get(url("row_edit", draft, "items", 3, form="hazards")).status_code == 404


def test_edit_an_indicator_of_the_second_form(client, cast, draft):
    client.force_login(cast.office)
    edit = url("indicator_edit", draft, 0, 1, form="hazards")
    form = client.get(edit, **HTMX).context["form"]
    assert form.initial["code"] == "hazards_found"
    response = client.post(
        edit, {**form.initial, "version": draft.version, "label": "发现隐患数", "unit": "处"}, **HTMX
    )
    assert response.status_code == 200 and response["HX-Retarget"] == "#campaign-editor"
    assert response.context["dform"]["code"] == "hazards"  # the editor stays on the chosen form
    assert response["HX-Replace-Url"] == url("edit", draft, form="hazards")
    ind = hazards(draft).items.get().indicators.get(code="hazards_found")
    assert (ind.label, ind.unit) == ("发现隐患数", "处")
    # the first form is untouched
    assert not draft.forms.get(code="progress").items.filter(indicators__code="hazards_found").exists()
    # without htmx: back to the editor on the same form
    draft.refresh_from_db()
    response = client.post(edit, {**form.initial, "version": draft.version, "label": "隐患"})
    assert response.status_code == 302 and response["Location"] == url("edit", draft, form="hazards") + "#item-0"


def test_edit_an_item_and_add_indicator_and_rule_of_the_second_form(client, cast, draft):
    client.force_login(cast.office)
    edit = url("row_edit", draft, "items", 0, form="hazards")
    initial = client.get(edit).context["form"].initial
    response = client.post(edit, {**initial, "version": draft.version, "title": "隐患排查治理"})
    assert response.status_code == 302
    assert hazards(draft).items.get().title == "隐患排查治理"
    draft.refresh_from_db()
    add = url("indicator_add", draft, 0, form="hazards")
    data = client.get(add).context["form"].initial
    data.update(
        version=draft.version,
        code="hazards_fixed",
        label="整改隐患",
        kind="integer",
        progress_text=data["progress_text"] + "整改（[[hazards_fixed]]）处。",
    )
    assert client.post(add, data).status_code == 302
    assert hazards(draft).items.get().indicators.filter(code="hazards_fixed").exists()
    draft.refresh_from_db()
    rule = {
        "version": draft.version,
        "code": "fixed_le_found",
        "left": "hazards_fixed",
        "operator": "<=",
        "right": "hazards_found",
        "message": "整改隐患不能多于发现隐患。",
        "severity": "error",
        "missing_value_strategy": "skip_if_any_missing",
    }
    response = client.post(url("row_add", draft, "rules", form="hazards"), rule)
    assert response.status_code == 302, response.context["form"].errors
    assert hazards(draft).rules.filter(code="fixed_le_found").exists()
    # a rule naming an indicator of the other form is refused at its field, what was typed kept
    draft.refresh_from_db()
    bad = {**rule, "version": draft.version, "code": "other", "left": "theory_study_sessions"}
    response = client.post(url("row_add", draft, "rules", form="hazards"), bad, **HTMX)
    assert response.status_code == 200 and response.context["form"].errors["left"]
    assert 'value="theory_study_sessions"' in response.content.decode()


def test_add_a_form(client, cast, draft):
    client.force_login(cast.office)
    add = url("row_add", draft, "forms")
    form = client.get(add, **HTMX).context["form"]
    assert "item_code" in form.fields
    data = {
        "version": draft.version,
        "code": "drills",
        "attachment_label": "附件3",
        "title": "应急演练情况统计表",
        "header_fields": "填报单位\r\n填报日期",
        "item_code": "drill",
        "item_title": "应急演练",
        "item_progress_text": "开展演练。",
    }
    response = client.post(add, data, **HTMX)
    assert response.status_code == 200 and response.context["dform"]["code"] == "drills"
    assert response["HX-Replace-Url"] == url("edit", draft, form="drills")
    new = draft.forms.get(code="drills")
    assert new.title == "应急演练情况统计表" and new.header_fields == ["填报单位", "填报日期"]
    assert list(new.items.values_list("code", flat=True)) == ["drill"]
    # a used form code or item code is refused at the field; nothing typed is lost
    draft.refresh_from_db()
    response = client.post(add, {**data, "version": draft.version, "title": "另一张表"}, **HTMX)
    errors = response.context["form"].errors
    assert response.status_code == 200 and "code" in errors
    assert "另一张表" in response.content.decode()
    response = client.post(add, {**data, "version": draft.version, "code": "x_y", "item_code": "Bad"}, **HTMX)
    assert "item_code" in response.context["form"].errors
    assert not draft.forms.filter(code="x_y").exists()


def test_remove_a_form_no_round_uses(client, cast, draft):
    client.force_login(cast.office)
    response = client.post(url("row_delete", draft, "forms", 1), {"version": draft.version}, **HTMX)
    assert response.status_code == 200 and "已删除" in response.content.decode()
    assert list(draft.forms.values_list("code", flat=True)) == ["progress"]


def test_a_form_a_round_uses_cannot_be_removed(client, cast, draft):
    client.force_login(cast.office)
    response = client.post(url("row_delete", draft, "forms", 0), {"version": draft.version}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["error_message"].startswith("统计表“progress”正被填报批次“活动进展情况统计表报送”使用")
    assert response.context["error_anchor"] == "section-forms"
    assert 'data-testid="editor-error"' in body
    assert draft.forms.filter(code="progress").exists()
    # without htmx: a message and back to the editor on that form
    response = client.post(url("row_delete", draft, "forms", 0), {"version": draft.version})
    assert response.status_code == 302 and response["Location"].endswith("#section-forms")
    # an index that does not exist
    assert client.post(url("row_delete", draft, "forms", 9), {"version": draft.version}).status_code == 404


def test_stale_version_on_the_second_form(client, cast, draft):
    client.force_login(cast.office)
    edit = url("indicator_edit", draft, 0, 0, form="hazards")
    initial = client.get(edit).context["form"].initial
    seen = draft.version
    # someone else saves in between
    edit_definition(
        None,
        draft,
        DefinitionEdit("update", ("forms", 1, "items", 0, "indicators", 0), {"label": "检查"}),
        expected_version=seen,
    )
    response = client.post(edit, {**initial, "version": seen, "label": "排查次数"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and response.context["stale"]
    assert "该活动已被他人修改" in body and 'value="排查次数"' in body
    assert "检查" in response.context["current_text"]
    assert "?form=hazards" in body  # the refresh link keeps the form
    assert hazards(draft).items.get().indicators.get(code="check_visits").label == "检查"
    # a stale removal of a form is refused too
    response = client.post(url("row_delete", draft, "forms", 1), {"version": seen}, **HTMX)
    assert "该活动已被他人修改" in response.context["error_message"]
    assert draft.forms.filter(code="hazards").exists()


def test_published_campaign_locks_every_form(client, cast, draft):
    Campaign.objects.filter(pk=draft.pk).update(doc_number="渡商发〔2022〕8号", issue_date=dt.date(2022, 6, 2))
    publish_campaign(None, draft)
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.PUBLISHED
    client.force_login(cast.office)
    body = client.get(url("edit", draft, form="hazards")).content.decode()
    assert "check_visits" in body
    assert 'data-testid="indicator-edit"' not in body and 'data-testid="form-delete"' not in body
    assert 'data-testid="add-form"' not in body
    assert client.get(url("indicator_edit", draft, 0, 0, form="hazards")).status_code == 403
    assert client.get(url("row_edit", draft, "forms", 1)).status_code == 403
    assert client.get(url("row_add", draft, "forms")).status_code == 403
    assert client.post(url("row_delete", draft, "forms", 1), {"version": draft.version}).status_code == 403
    assert draft.forms.count() == 2
