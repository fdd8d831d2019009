"""The upload page, the widget tag (public interface for other pages) and the cards partial."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from safetymonth.evidence.tests.upload_helpers import jpeg, place, upload

pytestmark = pytest.mark.django_db


def _render(user, **kwargs) -> str:
    request = RequestFactory().get("/")
    request.user = user
    tpl = Template("{% load evidence %}{% evidence_uploader campaign org item=item indicator=indicator event=event %}")
    return tpl.render(Context({"request": request, "item": None, "indicator": None, "event": None, **kwargs}))


def test_widget_for_own_org(cast):
    p = place(cast)
    html = _render(cast.enterprise_staff, campaign=p.campaign, org=cast.enterprise, item=p.item)
    assert "data-evidence-uploader" in html
    assert f'data-item="{p.item.code}"' in html
    assert 'capture="environment"' in html and "multiple" in html
    assert "js/upload.js" in html
    assert "<script>" not in html and "style=" not in html


def test_widget_indicator_implies_item(cast):
    p = place(cast)
    indicator = p.item.indicators.first()
    html = _render(cast.enterprise_staff, campaign=p.campaign, org=cast.enterprise, indicator=indicator)
    assert f'data-indicator="{indicator.code}"' in html and f'data-item="{p.item.code}"' in html


def test_widget_hidden_for_others(cast):
    p = place(cast)
    assert "data-evidence-uploader" not in _render(cast.section_staff, campaign=p.campaign, org=cast.enterprise)
    assert "data-evidence-uploader" not in _render(cast.office, campaign=p.campaign, org=cast.enterprise)


def test_upload_page_shows_widget_and_place(client, cast):
    p = place(cast)
    client.force_login(cast.enterprise_staff)
    r = client.get(reverse("evidence:upload"), {"campaign": p.campaign.public_id, "item": p.item.code})
    assert r.status_code == 200
    html = r.content.decode()
    assert "data-evidence-uploader" in html and p.item.title in html
    assert f"item={p.item.code}" in html


def test_cards_partial(client, cast):
    m = upload(cast, jpeg())
    p = place(cast)
    client.force_login(cast.section_staff)
    r = client.get(
        reverse("evidence:cards"),
        {"campaign": p.campaign.public_id, "org": cast.enterprise.public_id, "item": p.item.code},
    )
    html = r.content.decode()
    assert m.title in html and reverse("evidence:thumbnail", args=[m.public_id]) in html
    assert reverse("evidence:detail", args=[m.public_id]) in html
    client.force_login(cast.other_enterprise_staff)
    r = client.get(reverse("evidence:cards"), {"org": cast.enterprise.public_id})
    assert m.title not in r.content.decode()


def test_event_cards_carry_the_heading_count(client, cast):
    """An event's refreshed list carries 佐证材料（N）, which upload.js copies into the heading."""
    from safetymonth.events.tests.helpers import make_event, make_material

    event = make_event(cast, cast.enterprise)
    make_material(cast, cast.enterprise, event=event)
    client.force_login(cast.enterprise_staff)
    r = client.get(reverse("evidence:cards"), {"org": cast.enterprise.public_id, "event": event.public_id})
    assert "data-evidence-heading>佐证材料（1）</span>" in r.content.decode()
    r = client.get(reverse("evidence:cards"), {"org": cast.enterprise.public_id})
    assert "data-evidence-heading" not in r.content.decode()  # places without a counted heading
