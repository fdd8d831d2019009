"""Dashboard pages per role, filters and bad input, the non-filers list with 催报, the chart data."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from safetymonth.dashboard.tests.helpers import known_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(cast):
    return known_tree(cast)


def _url(rnd, org=None):
    if org is None:
        return reverse("dashboard:campaign", args=[rnd.campaign.public_id, rnd.code])
    return reverse("dashboard:section", args=[rnd.campaign.public_id, rnd.code, org.public_id])


def _chart(response):
    m = re.search(rb'<script id="dashboard-data" type="application/json">(.*?)</script>', response.content, re.S)
    assert m
    return json.loads(m.group(1))


def test_office_sees_the_whole_tree(client, cast, rnd):
    client.force_login(cast.office)
    response = client.get(_url(rnd))
    assert response.status_code == 200
    html = response.content.decode()
    assert "重庆市大渡口区商务委员会" in html and "66.7%" in html
    data = _chart(response)
    assert data["completeness"]["categories"] == ["市场运行科", "商贸流通科", "区商务发展服务中心"]
    assert data["completeness"]["late"] == [0, 1, 0]
    assert data["completeness"]["missing"] == [0, 1, 1]
    assert len(data["participants"]["values"]) == rnd.form.items.count()
    assert data["main"]["series"] and data["main"]["series"][0]["values"][1] > 0
    # exports of the base org are offered
    assert reverse("exports:workbook", args=[rnd.campaign.public_id, rnd.code, cast.commission.public_id]) in html
    # non-filers with 催报 buttons (the office may chase both)
    assert html.count('data-testid="dashboard-nonfiler"') == 2
    assert "大渡口示例餐馆" in html


def test_leader_sees_figures_but_no_chase_buttons(client, cast, rnd):
    client.force_login(cast.leader)
    html = client.get(_url(rnd)).content.decode()
    assert "66.7%" in html
    nonfilers = html.split('data-testid="dashboard-nonfilers"')[1].split("</ul>")[0]
    assert "大渡口示例餐馆" in nonfilers
    assert "/chase/" not in nonfilers  # the leader holds no 催报 permission


def test_section_staff_get_their_section(client, cast, rnd):
    client.force_login(cast.section_staff)
    response = client.get(_url(rnd))
    assert response.status_code == 200
    html = response.content.decode()
    assert "市场运行科" in html and "100.0%" in html
    assert "商贸流通科" not in html


def test_section_drill_down_lists_enterprises_linking_their_reports(client, cast, rnd):
    client.force_login(cast.office)
    html = client.get(_url(rnd, cast.section)).content.decode()
    assert "大渡口示例加油站" in html and "大渡口示例超市" in html
    assert html.count('data-testid="group-row"') == 3
    assert "/reports/" in html


def test_counting_filter_and_bad_input(client, cast, rnd):
    client.force_login(cast.office)
    assert "33.3%" in client.get(_url(rnd) + "?counting=approved").content.decode()
    response = client.get(_url(rnd) + "?counting=%3Cscript%3E")
    assert response.status_code == 200
    html = response.content.decode()
    assert "66.7%" in html  # falls back to submitted and approved
    assert "is-invalid" in html  # the error is shown at the field


def test_index_redirects_to_the_chosen_round(client, cast, rnd):
    client.force_login(cast.office)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and response["Location"].startswith(_url(rnd))
    response = client.get(reverse("dashboard:index") + f"?round={rnd.campaign.public_id}:{rnd.code}&counting=approved")
    assert response["Location"] == _url(rnd) + "?counting=approved"
    response = client.get(reverse("dashboard:index") + "?round=nonsense")
    assert response.status_code == 302  # an unknown round: the newest one


def test_index_without_campaigns_says_so(client, cast):
    client.force_login(cast.office)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    assert "dashboard-empty" in response.content.decode()


def test_navigation_has_the_dashboard_for_office_leader_and_sections(client, cast):
    for user, shown in [
        (cast.office, True),
        (cast.leader, True),
        (cast.section_staff, True),
        (cast.enterprise_staff, False),
        (cast.tip_handler, False),
    ]:
        client.force_login(user)
        html = client.get(reverse("core:home")).content.decode()
        assert (f'href="{reverse("dashboard:index")}"' in html) is shown, user


def test_each_row_offers_its_statistics_table(client, cast, rnd):
    client.force_login(cast.office)
    html = client.get(_url(rnd)).content.decode()
    section_table = reverse("exports:table_xlsx", args=[rnd.campaign.public_id, rnd.code, cast.section.public_id])
    assert f"{section_table}?source=rollup" in html  # a section: its roll-up
    html = client.get(_url(rnd, cast.section)).content.decode()
    enterprise_table = reverse("exports:table_xlsx", args=[rnd.campaign.public_id, rnd.code, cast.enterprise.public_id])
    assert f"{enterprise_table}?source=own" in html  # an enterprise: its own report
    assert 'data-testid="export-own-xlsx"' in html  # the section's own report too
    client.force_login(cast.leader)
    assert 'data-testid="home-dashboard"' in client.get(reverse("core:home")).content.decode()
