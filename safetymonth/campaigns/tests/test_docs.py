"""docs/campaign-definition.md stays true: its example loads, and it explains every schema key."""

from __future__ import annotations

import re
from pathlib import Path

from safetymonth.campaigns import definition
from safetymonth.campaigns.services import dump_campaign, load_campaign

DOC = (Path(__file__).resolve().parents[3] / "docs" / "campaign-definition.md").read_text(encoding="utf-8")


def test_the_example_loads_and_round_trips(cast):
    example = DOC[DOC.index("## Example") :]
    text = re.search(r"```yaml\n(.*?)```", example, re.DOTALL).group(1)
    campaign = load_campaign(text).campaign
    assert campaign.forms.get().indicators.count() == 4
    dumped = dump_campaign(campaign)
    assert dump_campaign(load_campaign(dumped).campaign) == dumped


def _keys(schema: dict, out: set[str]) -> set[str]:
    for key, sub in schema.get("properties", {}).items():
        out.add(key)
        _keys(sub, out)
    if "items" in schema and isinstance(schema["items"], dict):
        _keys(schema["items"], out)
    return out


def test_every_schema_key_is_explained():
    missing = sorted(k for k in _keys(definition.schema(), set()) if f"`{k}`" not in DOC)
    assert not missing, missing
