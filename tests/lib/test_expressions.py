import pytest

from safetymonth.lib.expressions import (
    MAX_DEPTH,
    ExpressionError,
    MissingValueStrategy,
    Outcome,
    Reason,
    check_codes,
    check_rule,
    parse,
)


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("7", {}, 7),
        ("a", {"a": 3}, 3),
        ("a + b * 2", {"a": 1, "b": 4}, 9),
        ("(a + b) * 2", {"a": 1, "b": 4}, 10),
        ("a - b - c", {"a": 10, "b": 3, "c": 2}, 5),
        ("-a + 3", {"a": 1}, 2),
        ("- (a - 10)", {"a": 4}, 6),
        ("  2*3 ", {}, 6),
        ("+5", {}, 5),
    ],
)
def test_evaluate(text, values, expected):
    assert parse(text).evaluate(values) == expected


def test_codes_in_order_of_first_appearance():
    assert parse("b + a * (b - c)").codes == ("b", "a", "c")


def test_missing_value_gives_none_or_zero():
    e = parse("a + b")
    assert e.evaluate({"a": 1}) is None
    assert e.evaluate({"a": 1, "b": None}) is None
    assert e.evaluate({"a": 1}, missing_as_zero=True) == 1


@pytest.mark.parametrize(
    ("text", "reason", "position"),
    [
        ("", Reason.EMPTY, 0),
        ("   ", Reason.EMPTY, 0),
        ("a +", Reason.UNEXPECTED_END, 3),
        ("a + / b", Reason.BAD_CHARACTER, 4),
        ("a b", Reason.UNEXPECTED_TOKEN, 2),
        ("(a + b", Reason.UNCLOSED_PARENTHESIS, 0),
        ("a + (b", Reason.UNCLOSED_PARENTHESIS, 4),
        ("a)", Reason.UNEXPECTED_TOKEN, 1),
        ("()", Reason.UNEXPECTED_TOKEN, 1),
        ("a * * b", Reason.UNEXPECTED_TOKEN, 4),
        ("Sessions", Reason.BAD_CODE, 0),
        ("a + _x", Reason.BAD_CODE, 4),
        ("a ** 2", Reason.UNEXPECTED_TOKEN, 3),
        ("1.5", Reason.BAD_CHARACTER, 1),
        ("a；", Reason.BAD_CHARACTER, 1),
        ("__import__('os')", Reason.BAD_CODE, 0),
        ("a" * 301, Reason.TOO_LONG, 300),
    ],
)
def test_parse_errors_have_reason_and_position(text, reason, position):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.reason == reason
    assert info.value.position == position


def test_nesting_is_bounded():
    with pytest.raises(ExpressionError) as info:
        parse("(" * (MAX_DEPTH + 5) + "1" + ")" * (MAX_DEPTH + 5))
    assert info.value.reason == Reason.TOO_DEEP
    assert parse("(" * 10 + "1" + ")" * 10).evaluate({}) == 1


def test_check_codes_names_first_unknown_code_and_position():
    e = parse("known + unknown_one")
    check_codes(parse("known"), {"known"})
    with pytest.raises(ExpressionError) as info:
        check_codes(e, {"known"})
    assert info.value.reason == Reason.UNKNOWN_CODE
    assert info.value.token == "unknown_one" and info.value.position == 8


def test_check_codes_position_is_whole_word():
    with pytest.raises(ExpressionError) as info:
        check_codes(parse("ab + a"), {"ab"})
    assert info.value.position == 5


@pytest.mark.parametrize(
    ("operator", "left", "right", "passed"),
    [
        ("<", 1, 2, True),
        ("<", 2, 2, False),
        ("<=", 2, 2, True),
        ("==", 2, 2, True),
        ("!=", 2, 2, False),
        (">=", 2, 3, False),
        (">", 3, 2, True),
    ],
)
def test_operators(operator, left, right, passed):
    result = check_rule(parse("a"), operator, parse("b"), {"a": left, "b": right})
    assert result.outcome == (Outcome.PASSED if passed else Outcome.FAILED)
    assert (result.left, result.right) == (left, right)


LEFT, RIGHT = parse("participants"), parse("sessions")


@pytest.mark.parametrize(
    ("strategy", "values", "outcome"),
    [
        # skip if any missing: only checked with both values
        (MissingValueStrategy.SKIP_IF_ANY_MISSING, {}, Outcome.SKIPPED),
        (MissingValueStrategy.SKIP_IF_ANY_MISSING, {"sessions": 3}, Outcome.SKIPPED),
        (MissingValueStrategy.SKIP_IF_ANY_MISSING, {"sessions": 3, "participants": 2}, Outcome.FAILED),
        (MissingValueStrategy.SKIP_IF_ANY_MISSING, {"sessions": 3, "participants": 30}, Outcome.PASSED),
        # skip if all missing: one value present, the other counts as 0
        (MissingValueStrategy.SKIP_IF_ALL_MISSING, {}, Outcome.SKIPPED),
        (MissingValueStrategy.SKIP_IF_ALL_MISSING, {"sessions": None, "participants": None}, Outcome.SKIPPED),
        (MissingValueStrategy.SKIP_IF_ALL_MISSING, {"sessions": 3}, Outcome.FAILED),
        (MissingValueStrategy.SKIP_IF_ALL_MISSING, {"participants": 3}, Outcome.PASSED),
        # never skip: missing counts as 0
        (MissingValueStrategy.NEVER_SKIP, {}, Outcome.PASSED),
        (MissingValueStrategy.NEVER_SKIP, {"sessions": 1}, Outcome.FAILED),
    ],
)
def test_missing_value_strategies(strategy, values, outcome):
    assert check_rule(LEFT, ">=", RIGHT, values, strategy).outcome == outcome


def test_constant_rule_is_never_skipped():
    assert check_rule(parse("1"), "<", parse("2"), {}, "skip_if_all_missing").outcome == Outcome.PASSED


def test_unknown_operator_or_strategy_is_an_error():
    with pytest.raises(KeyError):
        check_rule(LEFT, "=>", RIGHT, {})
    with pytest.raises(ValueError):
        check_rule(LEFT, ">=", RIGHT, {}, "sometimes")
