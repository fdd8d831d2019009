import pytest

from safetymonth.lib import phone


@pytest.mark.parametrize(
    "number",
    [
        "13800138000",
        "+8613800138000",
        "8613800138000",
        "138 0013 8000",
        "１３８００１３８０００",
        "023-68083116",
        "02368083116",
        "(023)68083116",
        "（023）68083116",
        "0755-12345678",
        "023-68083116-123",
        "023－68083116",
    ],
)
def test_valid_numbers(number):
    assert phone.is_valid(number)


@pytest.mark.parametrize(
    "number",
    ["", "68083116", "12800138000", "1380013800", "138001380001", "abc", "023-0808311", "+1 415 555 0100", "110"],
)
def test_invalid_numbers(number):
    assert not phone.is_valid(number)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (" 138 0013 8000 ", "13800138000"),
        ("（023）68083116", "023-68083116"),
        ("(023)-68083116", "023-68083116"),
        ("０２３－６８０８３１１６", "023-68083116"),
        ("023\u300068083116", "02368083116"),
    ],
)
def test_normalise(raw, normalised):
    assert phone.normalise(raw) == normalised
