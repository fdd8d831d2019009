"""The campaign page's dates read naturally in both languages."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from safetymonth.reports.tests.helpers import published_2021


def test_issue_date_in_chinese_and_english(client, cast):
    campaign = published_2021(cast)
    client.force_login(cast.section_staff)
    url = reverse("campaigns:detail", args=[campaign.public_id])
    day = campaign.issue_date
    assert f"{day.year}年{day.month}月{day.day}日" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url).content.decode()
    assert f"{day.strftime('%B')} {day.day}, {day.year}" in page
