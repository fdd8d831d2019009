"""The report page's evidence count and the gallery it links to show the same materials."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from safetymonth.campaigns.models import Indicator
from safetymonth.events import services
from safetymonth.events.tests.helpers import make_event, make_material
from safetymonth.evidence.models import ReviewState
from safetymonth.reports.tests.helpers import published_2021, round_2021


def test_gallery_behind_a_figure_lists_what_the_count_counts(client, cast):
    campaign = published_2021(cast)
    drill = make_event(cast, cast.enterprise, "drill", participants=35)
    on_event = [make_material(cast, cast.enterprise, event=drill, n=i) for i in (1, 2)]
    rejected = make_material(cast, cast.enterprise, event=drill, n=3)
    rejected.review_state, rejected.review_reason = ReviewState.REJECTED, "看不清"
    rejected.save()
    drills = Indicator.objects.get(form__campaign=campaign, code="drills")
    at_indicator = make_material(cast, cast.section, indicator=drills, n=4)
    elsewhere = make_material(cast, cast.other_section, indicator=drills, n=5)

    figures = services.report_figures(round_2021(cast), cast.section)
    assert figures.figures["drills"].materials == 3
    url = figures.gallery_url("drills")
    client.force_login(cast.section_staff)
    page = client.get(url).content.decode()
    shown = set(re.findall(r"/evidence/materials/([A-Za-z0-9_-]+)/", unescape(page)))
    assert shown == {m.public_id for m in [*on_event, at_indicator]}
    assert rejected.public_id not in shown and elsewhere.public_id not in shown
    # without the state filter the gallery also lists the rejected one (with its badge)
    everything = client.get(reverse("evidence:gallery"), {"campaign": campaign.public_id, "indicator": "drills"})
    assert rejected.public_id in everything.content.decode()
