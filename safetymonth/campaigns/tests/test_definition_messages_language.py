"""The definition checker's reasons are in the catalogue: an English reader gets them in English."""

from __future__ import annotations

import pytest
from django.utils import translation

from safetymonth.campaigns.definition import _BLANK_REASONS, _EXPR_REASONS, blank_message, expression_message
from safetymonth.lib import blanks, expressions


@pytest.mark.parametrize("reason", list(_EXPR_REASONS))
def test_every_expression_reason_reads_in_english(reason):
    with translation.override("en"):
        text = expression_message(expressions.ExpressionError(reason, 3, "x"))
    assert text.startswith("Expression, at character 4: ")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text


@pytest.mark.parametrize("reason", list(_BLANK_REASONS))
def test_every_blank_reason_reads_in_english(reason):
    with translation.override("en"):
        text = blank_message(blanks.BlankError(reason, 0, "Bad"))
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    with translation.override("zh-hans"):
        assert "进展情况第1个字符处" in blank_message(blanks.BlankError(reason, 0, "Bad"))
