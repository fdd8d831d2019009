"""Org pages for each role: what they show, what they let each user change, and what they refuse."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from safetymonth.audit.models import AuditEntry
from safetymonth.lib.uscc import complete
from safetymonth.orgs.models import Industry, Org, OrgKind
from safetymonth.orgs.tests.helpers import xlsx_bytes
from tests.factories import IndustryFactory, credit_code, make_org

GOOD = complete("91500104MA60000B1")


def _get(client, user, name, *args, query=""):
    client.force_login(user)
    return client.get(reverse(name, args=args) + query)


# --- list -------------------------------------------------------------------------------------


def test_list_office_sees_whole_tree_in_path_order(client, cast):
    response = _get(client, cast.office, "orgs:list")
    assert response.status_code == 200
    orgs = response.context["orgs"]
    assert [o.path for o in orgs] == sorted(o.path for o in orgs)
    assert orgs[0] == cast.commission and orgs[0].indent == 0
    by_name = {o.name: o for o in orgs}
    assert by_name[cast.enterprise.name].indent == 2
    assert by_name[cast.section.name].enterprise_count == 2
    assert cast.other_authority.name not in by_name
    html = response.content.decode()
    assert 'data-testid="org-import"' in html and 'data-testid="org-create"' in html


def test_list_enterprise_staff_sees_only_itself(client, cast):
    response = _get(client, cast.enterprise_staff, "orgs:list")
    assert [o.name for o in response.context["orgs"]] == [cast.enterprise.name]
    assert response.context["orgs"][0].indent == 0
    html = response.content.decode()
    assert 'data-testid="org-import"' not in html and 'data-testid="org-create"' not in html


def test_list_section_staff_sees_section_and_its_enterprises(client, cast):
    response = _get(client, cast.section_staff, "orgs:list")
    assert {o.name for o in response.context["orgs"]} == {
        cast.section.name,
        cast.enterprise.name,
        cast.enterprise2.name,
    }


def test_list_filters(client, cast):
    def names(query):
        return {o.name for o in _get(client, cast.office, "orgs:list", query=query).context["orgs"]}

    assert names("?q=加油") == {cast.enterprise.name}
    assert names(f"?q={cast.enterprise.credit_code}") == {cast.enterprise.name}
    assert names("?q=区商务委") == {cast.commission.name}  # short name
    assert names("?kind=section") == {"规划秩序科", "市场运行科", "商贸流通科"}
    assert names("?kind=enterprise&incomplete=1") == {cast.enterprise2.name, cast.other_enterprise.name}
    assert names("?industry=catering") == {cast.enterprise.name}
    cast.enterprise2.is_active = False
    cast.enterprise2.save()
    assert names("?active=0") == {cast.enterprise2.name}
    assert cast.enterprise2.name not in names("?active=1")
    # nonsense filters are ignored, not an error
    assert len(names("?kind=bogus&industry=nope&active=7&page=zz")) == 8


def test_list_incomplete_link_from_home_page(client, cast):
    response = _get(client, cast.office, "orgs:list", query="?kind=enterprise&incomplete=1")
    assert 'name="incomplete"' in response.content.decode()
    assert response.context["filter_form"]["incomplete"].value() in (True, "1")


def test_list_paginates_in_the_database(client, cast, django_assert_max_num_queries):
    for i in range(60):
        make_org(f"批量企业{i:03d}", OrgKind.ENTERPRISE, cast.other_section)
    client.force_login(cast.office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("orgs:list"))
    assert len(response.context["orgs"]) == 50
    assert response.context["page"].paginator.count == 68
    page2 = client.get(reverse("orgs:list") + "?page=2")
    assert len(page2.context["orgs"]) == 18
    assert "第 2 / 2 页" in page2.content.decode()


def test_list_htmx_returns_the_results_only(client, cast):
    client.force_login(cast.office)
    response = client.get(reverse("orgs:list") + "?q=加油", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="org-table"' in html and cast.enterprise.name in html
    restore = client.get(reverse("orgs:list"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_list_refused_without_role(client, cast):
    assert _get(client, cast.no_role, "orgs:list").status_code == 403


# --- detail -----------------------------------------------------------------------------------


def test_detail_for_office_shows_profile_breadcrumb_children_and_actions(client, cast):
    response = _get(client, cast.office, "orgs:detail", cast.section.public_id)
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("orgs:detail", args=[cast.commission.public_id]) in html  # breadcrumb link
    assert {o.name for o in response.context["child_orgs"]} == {cast.enterprise.name, cast.enterprise2.name}
    assert 'data-testid="org-edit"' in html and 'data-testid="org-toggle"' in html
    assert "新建下级企业" in html
    assert response.context["member_count"] == 1


def test_detail_for_enterprise_staff_names_section_without_link(client, cast):
    response = _get(client, cast.enterprise_staff, "orgs:detail", cast.enterprise.public_id)
    html = response.content.decode()
    assert cast.enterprise.credit_code in html and "13800138000" in html
    assert reverse("orgs:detail", args=[cast.section.public_id]) not in html
    assert cast.section.name in html  # as text in the breadcrumb
    assert 'data-testid="org-edit"' in html and 'data-testid="org-toggle"' not in html


def test_detail_for_leader_has_no_buttons(client, cast):
    html = _get(client, cast.leader, "orgs:detail", cast.enterprise.public_id).content.decode()
    assert 'data-testid="org-edit"' not in html and 'data-testid="org-toggle"' not in html


def test_detail_outside_scope_is_404(client, cast):
    assert _get(client, cast.other_office, "orgs:detail", cast.enterprise.public_id).status_code == 404
    assert _get(client, cast.other_section_staff, "orgs:detail", cast.enterprise.public_id).status_code == 404


def test_detail_children_paginated(client, cast):
    for i in range(55):
        make_org(f"批量企业{i:03d}", OrgKind.ENTERPRISE, cast.other_section)
    response = _get(client, cast.office, "orgs:detail", cast.other_section.public_id, query="?page=2")
    assert len(response.context["child_orgs"]) == 6


# --- create -----------------------------------------------------------------------------------


def _post(client, user, name, data, *args):
    client.force_login(user)
    return client.post(reverse(name, args=args), data)


def test_office_creates_enterprise(client, cast):
    response = _post(
        client,
        cast.office,
        "orgs:create",
        {
            "kind": "enterprise",
            "parent": cast.section.public_id,
            "name": "新开超市",
            "credit_code": GOOD.lower(),
            "industry": "catering",
            "phone": "02368083116",
        },
    )
    org = Org.objects.get(name="新开超市")
    assert response.status_code == 302 and response["Location"] == reverse("orgs:detail", args=[org.public_id])
    assert org.parent == cast.section and org.credit_code == GOOD and org.phone == "023-68083116"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=org.public_id).exists()


def test_create_form_prefills_parent_and_kind(client, cast):
    response = _get(client, cast.office, "orgs:create", query=f"?parent={cast.section.public_id}&kind=enterprise")
    form = response.context["form"]
    assert form["parent"].value() == cast.section.public_id and form["kind"].value() == "enterprise"
    parent_ids = {o.public_id for o in form.fields["parent"].queryset}
    assert cast.enterprise.public_id not in parent_ids  # only orgs that may hold others
    assert cast.other_authority.public_id not in parent_ids


def test_create_refuses_wrong_parent_kind_with_clear_message(client, cast):
    response = _post(
        client,
        cast.office,
        "orgs:create",
        {"kind": "enterprise", "parent": cast.commission.public_id, "name": "某企业"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == ['企业只能放在科室之下；所选的"区商务委"是委。']
    assert 'value="某企业"' in response.content.decode()  # what was typed is kept
    assert not Org.objects.filter(name="某企业").exists()


def test_create_bad_credit_code_message_at_field(client, cast):
    bad = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")
    response = _post(
        client,
        cast.office,
        "orgs:create",
        {"kind": "enterprise", "parent": cast.section.public_id, "name": "某企业", "credit_code": bad},
    )
    html = response.content.decode()
    assert 'data-field-error="credit_code"' in html and "校验码错误" in html
    assert f'value="{bad}"' in html


def test_create_duplicate_credit_code_named_when_visible(client, cast):
    response = _post(
        client,
        cast.office,
        "orgs:create",
        {
            "kind": "enterprise",
            "parent": cast.section.public_id,
            "name": "某企业",
            "credit_code": cast.enterprise.credit_code,
        },
    )
    assert response.context["form"].errors["credit_code"] == [f'该统一社会信用代码已被"{cast.enterprise.name}"使用。']


def test_create_duplicate_credit_code_neutral_when_not_visible(client, cast):
    other_section = make_org("外区科室", OrgKind.SECTION, cast.other_authority)
    response = _post(
        client,
        cast.other_office,
        "orgs:create",
        {
            "kind": "enterprise",
            "parent": other_section.public_id,
            "name": "某企业",
            "credit_code": cast.enterprise.credit_code,
        },
    )
    [message] = response.context["form"].errors["credit_code"]
    assert cast.enterprise.name not in message


def test_create_section_with_credit_code_or_industry_refused(client, cast):
    response = _post(
        client,
        cast.office,
        "orgs:create",
        {
            "kind": "section",
            "parent": cast.commission.public_id,
            "name": "新科室",
            "credit_code": GOOD,
            "industry": "catering",
        },
    )
    errors = response.context["form"].errors
    assert "credit_code" in errors and "industry" in errors


def test_other_office_cannot_create_in_our_tree(client, cast):
    response = _post(
        client, cast.other_office, "orgs:create", {"kind": "enterprise", "parent": cast.section.public_id, "name": "x"}
    )
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    assert not Org.objects.filter(name="x").exists()


# --- edit -------------------------------------------------------------------------------------


def _full_data(org, **overrides):
    data = {
        "kind": org.kind,
        "parent": org.parent.public_id if org.parent else "",
        "name": org.name,
        "short_name": org.short_name,
        "credit_code": org.credit_code or "",
        "industry": org.industry.code if org.industry else "",
        "address": org.address,
        "contact_name": org.contact_name,
        "phone": org.phone,
    }
    data.update(overrides)
    return data


def test_office_edits_everything_and_moves(client, cast):
    response = _post(
        client,
        cast.office,
        "orgs:edit",
        _full_data(cast.enterprise, name="改名加油站", parent=cast.other_section.public_id, credit_code=GOOD),
        cast.enterprise.public_id,
    )
    assert response.status_code == 302
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.name == "改名加油站" and cast.enterprise.credit_code == GOOD
    assert cast.enterprise.parent == cast.other_section
    assert cast.enterprise.path.startswith(cast.other_section.path)


def test_office_edit_of_root_has_no_parent_field(client, cast):
    response = _get(client, cast.office, "orgs:edit", cast.commission.public_id)
    assert "parent" not in response.context["form"].fields
    response = _post(
        client,
        cast.office,
        "orgs:edit",
        _full_data(cast.commission, short_name="大渡口商务委"),
        cast.commission.public_id,
    )
    assert response.status_code == 302
    cast.commission.refresh_from_db()
    assert cast.commission.short_name == "大渡口商务委"


def test_office_cannot_move_under_own_subtree(client, cast):
    response = _get(client, cast.office, "orgs:edit", cast.section.public_id)
    parents = {o.pk for o in response.context["form"].fields["parent"].queryset}
    assert cast.section.pk not in parents


def test_section_staff_edits_profile_only_crafted_fields_ignored(client, cast):
    data = _full_data(
        cast.enterprise,
        name="被篡改的名称",
        credit_code=GOOD,
        parent=cast.other_section.public_id,
        kind="institution",
        contact_name="王五",
        phone="13900139000",
        is_active="",
    )
    response = _post(client, cast.section_staff, "orgs:edit", data, cast.enterprise.public_id)
    assert response.status_code == 302
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.contact_name == "王五" and cast.enterprise.phone == "13900139000"
    assert cast.enterprise.name == "大渡口示例加油站"
    assert cast.enterprise.credit_code != GOOD
    assert cast.enterprise.parent == cast.section and cast.enterprise.kind == OrgKind.ENTERPRISE
    assert cast.enterprise.is_active
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=cast.enterprise.public_id).get()
    assert set(entry.changes) == {"contact_name", "phone"}


def test_section_staff_edits_own_section_without_industry(client, cast):
    response = _get(client, cast.section_staff, "orgs:edit", cast.section.public_id)
    assert set(response.context["form"].fields) == {"short_name", "address", "contact_name", "phone"}


def test_enterprise_staff_bad_phone_message_at_field_and_input_kept(client, cast):
    data = {"short_name": "", "industry": "catering", "address": "", "contact_name": "李四", "phone": "6808311"}
    response = _post(client, cast.enterprise_staff, "orgs:edit", data, cast.enterprise.public_id)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field-error="phone"' in html
    assert "请填写手机号或带区号的固定电话，例如 13800138000 或 023-68083116。" in html
    assert 'value="6808311"' in html
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.phone == "13800138000"


def test_enterprise_staff_cannot_edit_parent_section(client, cast):
    assert _get(client, cast.enterprise_staff, "orgs:edit", cast.section.public_id).status_code == 404


def test_leader_cannot_edit(client, cast):
    assert _get(client, cast.leader, "orgs:edit", cast.enterprise.public_id).status_code == 403


def test_deactivated_industry_not_offered_but_kept(client, cast):
    cast.enterprise.industry.is_active = False
    cast.enterprise.industry.save()
    other = IndustryFactory(code="logistics", name="物流")
    form = _get(client, cast.enterprise_staff, "orgs:edit", cast.enterprise.public_id).context["form"]
    codes = {i.code for i in form.fields["industry"].queryset}
    assert "catering" in codes  # the enterprise's own, though deactivated
    assert other.code in codes
    form2 = _get(client, cast.office, "orgs:edit", cast.enterprise2.public_id).context["form"]
    assert "catering" not in {i.code for i in form2.fields["industry"].queryset}


# --- toggle -----------------------------------------------------------------------------------


def test_office_deactivates_and_reactivates(client, cast):
    url = reverse("orgs:toggle_active", args=[cast.enterprise2.public_id])
    client.force_login(cast.office)
    assert client.post(url).status_code == 302
    cast.enterprise2.refresh_from_db()
    assert not cast.enterprise2.is_active
    client.post(url)
    cast.enterprise2.refresh_from_db()
    assert cast.enterprise2.is_active


def test_deactivating_org_with_active_children_refused_with_message(client, cast):
    client.force_login(cast.office)
    response = client.post(reverse("orgs:toggle_active", args=[cast.section.public_id]), follow=True)
    cast.section.refresh_from_db()
    assert cast.section.is_active
    assert "2 个启用的下级单位" in response.content.decode()


# --- industries -------------------------------------------------------------------------------


def test_seeded_industries(db):
    codes = dict(Industry.objects.values_list("code", "name"))
    assert codes == {
        "refined-oil": "成品油",
        "malls-supermarkets": "商场超市",
        "markets": "市场",
        "catering": "餐饮",
        "recycling": "再生资源回收",
        "logistics": "物流",
        "other": "其他",
    }


def _industry_post(industries, **changes):
    data = {
        "ind-TOTAL_FORMS": str(len(industries)),
        "ind-INITIAL_FORMS": str(len(industries)),
        "ind-MIN_NUM_FORMS": "0",
        "ind-MAX_NUM_FORMS": "1000",
        "new-name": "",
        "new-code": "",
        "new-sort_order": "",
    }
    for i, ind in enumerate(industries):
        data[f"ind-{i}-code"] = ind.code
        data[f"ind-{i}-name"] = ind.name
        data[f"ind-{i}-sort_order"] = str(ind.sort_order)
        if ind.is_active:
            data[f"ind-{i}-is_active"] = "on"
    data.update(changes)
    return data


def test_office_renames_reorders_deactivates_and_adds_industries(client, cast):
    industries = list(Industry.objects.order_by("sort_order", "name"))
    assert industries[0].code == "refined-oil"
    data = _industry_post(
        industries,
        **{"ind-0-name": "成品油零售", "ind-0-sort_order": "999", "new-name": "危险化学品", "new-code": "hazchem"},
    )
    data.pop("ind-1-is_active")
    response = _post(client, cast.office, "orgs:industries", data)
    assert response.status_code == 302
    oil = Industry.objects.get(code="refined-oil")
    assert (oil.name, oil.sort_order) == ("成品油零售", 999)
    assert not Industry.objects.get(code=industries[1].code).is_active
    assert Industry.objects.get(code="hazchem").name == "危险化学品"
    assert AuditEntry.objects.filter(object_type="orgs.industry").count() == 3


def test_industries_may_swap_names(client, cast):
    a, b = list(Industry.objects.order_by("sort_order", "name"))[:2]
    data = _industry_post(
        Industry.objects.order_by("sort_order", "name"), **{"ind-0-name": b.name, "ind-1-name": a.name}
    )
    assert _post(client, cast.office, "orgs:industries", data).status_code == 302
    assert Industry.objects.get(pk=a.pk).name == b.name


def test_duplicate_industry_names_refused(client, cast):
    industries = list(Industry.objects.order_by("sort_order", "name"))
    data = _industry_post(industries, **{"ind-1-name": industries[0].name})
    response = _post(client, cast.office, "orgs:industries", data)
    assert response.status_code == 200
    assert escape(f'已有名为"{industries[0].name}"的行业，行业名称不能重复。') in response.content.decode()
    data = _industry_post(industries, **{"new-name": industries[0].name})
    response = _post(client, cast.office, "orgs:industries", data)
    assert response.status_code == 200 and "不能重复" in response.content.decode()
    assert Industry.objects.count() == len(industries)


def test_new_industry_gets_a_code(client, cast):
    industries = list(Industry.objects.all())
    _post(client, cast.office, "orgs:industries", _industry_post(industries, **{"new-name": "新行业"}))
    assert Industry.objects.get(name="新行业").code


# --- import -----------------------------------------------------------------------------------


def _upload(content, name="orgs.xlsx"):
    return SimpleUploadedFile(name, content)


def test_import_page_shows_errors_and_imports_nothing(client, cast):
    bad = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")
    content = xlsx_bytes([["甲公司", GOOD, "餐饮", "市场运行科"], ["乙公司", bad, "餐饮", "市场运行科"]])
    response = _post(client, cast.office, "orgs:import", {"file": _upload(content)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "没有导入任何数据" in html and "第 3 行" in html and bad in html
    assert not Org.objects.filter(name__in=["甲公司", "乙公司"]).exists()


def test_import_page_success_redirects_with_counts(client, cast):
    content = xlsx_bytes([["甲公司", GOOD, "餐饮", "市场运行科", "", "", "13800138000"]])
    response = _post(client, cast.office, "orgs:import", {"file": _upload(content)})
    assert response.status_code == 302 and response["Location"] == reverse("orgs:list")
    page = client.get(response["Location"])
    assert "新增 1 家企业" in page.content.decode()
    assert Org.objects.get(credit_code=GOOD).parent == cast.section


def test_import_page_dry_run(client, cast):
    content = xlsx_bytes([["甲公司", GOOD, "餐饮", "市场运行科"]])
    response = _post(client, cast.office, "orgs:import", {"file": _upload(content), "dry_run": "on"})
    assert response.status_code == 200 and "检查通过" in response.content.decode()
    assert not Org.objects.filter(credit_code=GOOD).exists()


def test_import_page_file_problems(client, cast, settings):
    response = _post(client, cast.office, "orgs:import", {"file": _upload(b"%PDF-1.4", "a.pdf")})
    assert "只能导入 .xlsx 或 .csv 文件。" in response.content.decode()
    response = _post(client, cast.office, "orgs:import", {"file": _upload(b"not a zip", "a.xlsx")})
    assert "内容不是 Excel" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 10
    response = _post(client, cast.office, "orgs:import", {"file": _upload(b"x" * 20, "a.csv")})
    assert "文件太大" in response.content.decode()
    response = _post(client, cast.office, "orgs:import", {})
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_template_downloads(client, cast):
    client.force_login(cast.office)
    xlsx = client.get(reverse("orgs:import_template", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert "attachment" in xlsx["Content-Disposition"] and ".xlsx" in xlsx["Content-Disposition"]
    csv = client.get(reverse("orgs:import_template", args=["csv"]))
    assert csv.content.startswith(b"\xef\xbb\xbf")


def test_credit_code_helper_is_valid(db):
    assert credit_code(5) != credit_code(6)
