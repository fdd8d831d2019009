from __future__ import annotations

import pytest

from safetymonth.campaigns.definition import DEFINITIONS_DIR
from safetymonth.campaigns.models import Campaign
from safetymonth.campaigns.services import load_campaign

FILE_2021 = DEFINITIONS_DIR / "dadukou-commerce-2021.yaml"


@pytest.fixture
def text_2021() -> str:
    return FILE_2021.read_text(encoding="utf-8")


@pytest.fixture
def campaign_2021(cast, text_2021) -> Campaign:
    """The 2021 campaign loaded into the cast's tree (which has the commission and 规划秩序科)."""
    return load_campaign(text_2021, cast.office).campaign
