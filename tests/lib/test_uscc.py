import pytest

from safetymonth.lib import uscc


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_published_codes_are_valid(code):
    assert uscc.validate(code) is None


def test_wrong_check_character_names_expected():
    problem = uscc.validate("91350100M000100Y44")
    assert problem is not None and problem.code == "check"
    assert problem.position == 18 and problem.expected == "3" and problem.found == "4"


@pytest.mark.parametrize(
    ("raw", "code"),
    [("9135010", "length"), ("91350100M000100YI3", "character"), ("9135A100M000100Y43", "division")],
)
def test_malformed(raw, code):
    assert uscc.validate(raw).code == code


def test_normalise_fullwidth_and_blanks():
    assert uscc.normalise(" ９１３５０１００ｍ０００１００ｙ４３ ") == "91350100M000100Y43"


def test_complete_roundtrip():
    assert uscc.validate(uscc.complete("91500104000000001")) is None
