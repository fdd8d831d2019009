"""Rewards for tip-offs by 《安全生产领域举报奖励办法》(安监总财〔2018〕19号), Art. 9.

- 重大事故隐患 and 安全生产违法行为: 15 % of the fine (罚没款), at least ¥3,000, at most ¥300,000.
- 瞒报、谎报 accidents: per concealed death ¥30,000 / 40,000 / 50,000 / 60,000 for a 一般 / 较大 /
  重大 / 特别重大 accident, at most ¥300,000.
Amounts are whole yuan (rounded half up). Parameters default to the rules and come from settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ACCIDENT_CLASSES = ("general", "larger", "major", "especially_major")


@dataclass(frozen=True)
class RewardRules:
    rate: Decimal = Decimal("0.15")
    minimum: Decimal = Decimal("3000")
    maximum: Decimal = Decimal("300000")
    per_death: dict[str, Decimal] = field(
        default_factory=lambda: {
            "general": Decimal("30000"),
            "larger": Decimal("40000"),
            "major": Decimal("50000"),
            "especially_major": Decimal("60000"),
        }
    )


def _yuan(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def reward_for_fine(fine: Decimal, rules: RewardRules | None = None) -> Decimal:
    """The reward for a verified hazard or violation whose fine is ``fine`` yuan."""
    rules = rules or RewardRules()
    if fine < 0:
        raise ValueError("the fine cannot be negative")
    return _yuan(min(max(fine * rules.rate, rules.minimum), rules.maximum))


def reward_for_concealed_deaths(deaths: int, accident_class: str, rules: RewardRules | None = None) -> Decimal:
    """The reward for a verified concealed or falsely reported accident."""
    rules = rules or RewardRules()
    if deaths < 0:
        raise ValueError("deaths cannot be negative")
    if accident_class not in rules.per_death:
        raise ValueError(f"unknown accident class {accident_class!r}")
    return _yuan(min(rules.per_death[accident_class] * deaths, rules.maximum))
