"""Messages for credit codes and phone numbers, and who may learn which org holds a code."""

import pytest
from django.core.exceptions import ValidationError

from safetymonth.lib import uscc
from safetymonth.orgs import validation


def _message(raw):
    with pytest.raises(ValidationError) as exc:
        validation.clean_credit_code(raw)
    return exc.value.messages[0]


def test_check_character_message_names_expected_and_found():
    assert _message("91350100M000100Y44") == (
        '统一社会信用代码第18位校验码错误：按 GB 32100-2015 应为"3"，填写的是"4"。'
    )


def test_length_message():
    assert _message("9135010") == "统一社会信用代码应为18位，填写的是7位。"


def test_bad_character_message_names_position():
    message = _message("91350100M000100YI3")
    assert "第17位" in message and '"I"' in message


def test_division_message():
    assert "行政区划代码" in _message("9135A100M000100Y43")


def test_normalised_and_blank():
    assert validation.clean_credit_code(" ９１３５０１００ｍ０００１００ｙ４３ ") == "91350100M000100Y43"
    assert validation.clean_credit_code("") is None
    assert validation.clean_credit_code("  ") is None


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("+86 138 0013 8000", "13800138000"),
        ("02368083116", "023-68083116"),
        ("（023）68083116", "023-68083116"),
        ("075512345678", "0755-12345678"),
        ("023-68083116-12", "023-68083116-12"),
        ("", ""),
    ],
)
def test_phone_stored_in_one_spelling(raw, stored):
    assert validation.clean_phone(raw) == stored


def test_phone_message():
    with pytest.raises(ValidationError) as exc:
        validation.clean_phone("12345")
    assert exc.value.messages == ["请填写手机号或带区号的固定电话，例如 13800138000 或 023-68083116。"]


def test_taken_message_names_org_only_when_visible(cast):
    assert validation.credit_code_taken_message(cast.office, cast.enterprise) == (
        f'该统一社会信用代码已被"{cast.enterprise.name}"使用。'
    )
    neutral = validation.credit_code_taken_message(cast.other_office, cast.enterprise)
    assert cast.enterprise.name not in neutral and "其他单位" in neutral


def test_uscc_message_for_every_problem_kind():
    for code in ("length", "character", "division", "check", "unknown"):
        assert validation.uscc_message(uscc.UsccProblem(code, position=1, expected="A", found="B"))
