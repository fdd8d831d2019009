from __future__ import annotations

import pytest

from safetymonth.reports.tests.helpers import published_2021, round_2021


@pytest.fixture
def campaign(cast):
    return published_2021(cast)


@pytest.fixture
def rnd(cast, campaign):
    return round_2021(cast)
