"""safetymonth.lib.cells: the one formula neutraliser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from safetymonth.lib.cells import is_live, neutralise, neutralise_row


@pytest.mark.parametrize(
    "text",
    ["=2+3", '=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "－2", "＋3", "＠x"],
)
def test_risky_text_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text
    assert not is_live(neutralise(text))


@pytest.mark.parametrize("value", [12, -3, 2.5, -0.5, Decimal("-7.25"), True, None, dt.date(2021, 6, 1)])
def test_numbers_and_other_values_unchanged(value):
    assert neutralise(value) is value


@pytest.mark.parametrize("text", ["", "消防演练 3 场", "a=b", " =1", "'=already", "1-2"])
def test_plain_text_unchanged(text):
    assert neutralise(text) == text


def test_row():
    assert neutralise_row(["=1", 5, None]) == ["'=1", 5, None]
