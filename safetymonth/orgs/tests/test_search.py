"""The org chooser: search-as-you-type within the user's scope, never a list of every org."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safetymonth.orgs.widgets import OrgSearchWidget

pytestmark = pytest.mark.django_db


def _names(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("orgs:search"), {"field": "q", **query})
    assert response.status_code == 200
    return [o.name for o in response.context["orgs"]]


def test_search_finds_orgs_in_the_scope_only(client, cast):
    assert _names(client, cast.office, scope="accounts.manage", q="示例") == [
        "大渡口示例加油站",
        "大渡口示例超市",
        "大渡口示例餐馆",
    ]
    assert _names(client, cast.other_office, scope="accounts.manage", q="示例") == []
    assert _names(client, cast.enterprise_staff, scope="accounts.manage", q="示例") == []  # manages no users
    assert _names(client, cast.enterprise_staff, scope="orgs.view", q="示例") == ["大渡口示例加油站"]
    assert _names(client, cast.no_role, scope="orgs.view", q="示例") == []


def test_search_reads_the_named_field_and_survives_bad_input(client, cast):
    assert _names(client, cast.office, scope="accounts.manage", field="org-search", **{"org-search": "超市"}) == [
        "大渡口示例超市"
    ]
    assert _names(client, cast.office, scope="nonsense", q="超市") == ["大渡口示例超市"]  # the view scope
    client.force_login(cast.office)
    empty = client.get(reverse("orgs:search"), {"field": "q", "q": "没有这个单位"}).content.decode()
    assert "没有找到单位。" in empty
    assert client.get(reverse("orgs:search")).content.decode().strip() == ""  # nothing typed: no list


def test_user_list_has_a_search_box_not_a_list_of_every_org(client, cast):
    client.force_login(cast.office)
    url = reverse("accounts:user_list")
    html = client.get(url).content.decode()
    assert "data-org-search" in html and reverse("orgs:search") in html
    assert "区商务发展服务中心" not in html  # an org with no users: listed nowhere until searched for
    chosen = client.get(url, {"org": cast.section.public_id})
    page = chosen.content.decode()
    assert f'value="{cast.section.public_id}"' in page and 'value="市场运行科"' in page  # the choice stays shown
    assert {u.username for u in chosen.context["page"]} == {"section", "enterprise"}  # its subtree


def test_widget_renders_the_chosen_org_name():
    html = OrgSearchWidget("orgs.view").render("org", "", attrs={"id": "id_org"})
    assert 'name="org"' in html and 'name="org-search"' in html and 'id="id_org"' in html
