"""The round's page shows its expected reporters with their count; the office changes the rule and
includes or excludes single orgs found with a search field (never the campaign office)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safetymonth.audit.models import AuditEntry
from safetymonth.campaigns.models import RoundOrgChoice
from tests.factories import make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(campaign_2021):
    return campaign_2021.rounds.get()


def page(client, rnd, **params):
    return client.get(reverse("campaigns:round", args=[rnd.campaign.public_id, rnd.code]), params)


def post(client, rnd, data):
    return client.post(reverse("campaigns:round_expected", args=[rnd.campaign.public_id, rnd.code]), data)


def test_page_lists_the_expected_orgs_and_their_count(client, cast, rnd):
    make_org("办公室", "section", cast.commission)
    client.force_login(cast.office)
    response = page(client, rnd)
    assert response.context["expected_count"] == 2
    assert [o.name for o in response.context["expected"]] == ["市场运行科", "商贸流通科"]
    assert "应报单位（2个）" in response.content.decode()


def test_office_changes_the_rule(client, cast, rnd):
    client.force_login(cast.office)
    assert post(client, rnd, {"expected_kinds": ["section", "institution"]}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.expected_kinds == ["section", "institution"] and not rnd.responsible_sections_only
    assert page(client, rnd).context["expected_count"] == 3  # 市场运行科, 商贸流通科, the institution; not 规划秩序科
    assert AuditEntry.objects.filter(summary__contains="的填报单位").exists()
    response = post(client, rnd, {"responsible_sections_only": "on"})  # no kind: refused at the field
    assert response.status_code == 400
    assert "请至少选择一种填报单位类型。" in response.content.decode()


def test_search_include_exclude_and_reset(client, cast, rnd):
    general = make_org("办公室", "section", cast.commission)
    client.force_login(cast.office)
    found = page(client, rnd, q="办公").context["found"]
    assert found == [(general, False)]
    post(client, rnd, {"org": general.public_id, "choice": "include", "q": "办公"})
    post(client, rnd, {"org": cast.other_section.public_id, "choice": "exclude"})
    names = [o.name for o in page(client, rnd).context["expected"]]
    assert names == ["市场运行科", "办公室"]  # tree order
    post(client, rnd, {"org": cast.other_section.public_id, "choice": "reset"})
    assert not RoundOrgChoice.objects.filter(org=cast.other_section).exists()
    response = post(client, rnd, {"org": cast.office_org.public_id, "choice": "include"})
    assert response.status_code == 302
    assert not RoundOrgChoice.objects.filter(org=cast.office_org).exists()  # never the office itself
    assert "规划秩序科" not in [o.name for o in page(client, rnd).context["expected"]]


def test_others_cannot_change_it(client, cast, rnd):
    client.force_login(cast.section_staff)
    assert post(client, rnd, {"expected_kinds": ["section"]}).status_code == 404  # a draft is not visible
