"""The demo ledger: hazards in every state, one major with its plan, one overdue, two published
cases — and a second ``load_demo`` adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from safetymonth.hazards.models import ExposureCase, Hazard, HazardLevel, HazardStatus

pytestmark = pytest.mark.django_db


def test_demo_hazards_in_every_state_and_idempotent():
    call_command("load_demo", stdout=StringIO())
    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in HazardStatus}
    major = Hazard.objects.get(level=HazardLevel.MAJOR)
    assert major.missing_plan_parts() == [] and major.supervised and major.status == HazardStatus.RECTIFYING
    assert Hazard.objects.overdue().count() == 1
    assert ExposureCase.objects.published().count() == 2
    # the 2021 report of the section shows them in item 3 (曝光问题隐患, 典型案例)
    from safetymonth.campaigns.models import Round
    from safetymonth.hazards.queries import ledger_figures
    from safetymonth.orgs.models import Org

    rnd = Round.objects.select_related("campaign").get(campaign__code="dadukou-commerce-2021")
    figures = ledger_figures(rnd, Org.objects.get(name="市场运行科"))
    assert figures["hazards_exposed"].total == 2 and "灭火器" in figures["typical_cases_detail"].total
    before = (Hazard.objects.count(), ExposureCase.objects.count(), list(Hazard.objects.values_list("version")))
    call_command("load_demo", stdout=StringIO())
    assert (Hazard.objects.count(), ExposureCase.objects.count(), list(Hazard.objects.values_list("version"))) == before
