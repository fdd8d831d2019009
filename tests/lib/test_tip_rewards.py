from decimal import Decimal

import pytest

from safetymonth.lib.tip_rewards import RewardRules, reward_for_concealed_deaths, reward_for_fine


@pytest.mark.parametrize(
    ("fine", "reward"),
    [
        ("0", "3000"),  # floor
        ("10000", "3000"),  # 1,500 → floor
        ("20000", "3000"),  # exactly the floor
        ("100000", "15000"),  # in between
        ("123457", "18519"),  # 18,518.55 rounds half up to whole yuan
        ("2000000", "300000"),  # exactly the cap
        ("50000000", "300000"),  # above the cap
    ],
)
def test_reward_for_fine(fine, reward):
    assert reward_for_fine(Decimal(fine)) == Decimal(reward)


@pytest.mark.parametrize(
    ("deaths", "cls", "reward"),
    [
        (1, "general", "30000"),
        (2, "larger", "80000"),
        (3, "major", "150000"),
        (5, "especially_major", "300000"),
        (30, "especially_major", "300000"),  # cap
    ],
)
def test_reward_for_concealed_deaths(deaths, cls, reward):
    assert reward_for_concealed_deaths(deaths, cls) == Decimal(reward)


def test_rules_are_parameters_and_bad_input_is_refused():
    rules = RewardRules(rate=Decimal("0.2"), minimum=Decimal("1000"), maximum=Decimal("5000"))
    assert reward_for_fine(Decimal("10000"), rules) == Decimal("2000")
    assert reward_for_fine(Decimal("100000"), rules) == Decimal("5000")
    with pytest.raises(ValueError):
        reward_for_fine(Decimal("-1"))
    with pytest.raises(ValueError):
        reward_for_concealed_deaths(1, "tiny")
