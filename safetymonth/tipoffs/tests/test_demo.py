"""The demo's tips: several states, one converted into a hazard; a second load_demo adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from safetymonth.hazards.models import FoundBy, Hazard
from safetymonth.tipoffs.models import TipOff, TipStatus

pytestmark = pytest.mark.django_db


def test_demo_tips_in_several_states_and_idempotent():
    call_command("load_demo", stdout=StringIO())
    statuses = set(TipOff.objects.values_list("status", flat=True))
    assert {TipStatus.PENDING, TipStatus.ACCEPTED, TipStatus.TRANSFERRED, TipStatus.CLOSED} <= statuses
    converted = TipOff.objects.get(hazard__isnull=False)
    assert converted.hazard.found_by == FoundBy.TIP and converted.hazard.source_ref == converted.public_id
    assert TipOff.objects.filter(is_employee=True).count() == 2
    before = (TipOff.objects.count(), Hazard.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (TipOff.objects.count(), Hazard.objects.count()) == before
