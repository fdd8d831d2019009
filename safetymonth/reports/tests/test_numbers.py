"""Numbers that make sense: 超出范围 with the limit, soft/hard bounds by unit, full-width digits
accepted and stored as ASCII, other scripts' digits refused, and a saved draft's errors after a reload."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safetymonth.campaigns.models import Indicator
from safetymonth.campaigns.services import check_values
from safetymonth.lib.numbers import bounds_for, parse_integer
from safetymonth.reports import services
from safetymonth.reports.models import Value
from safetymonth.reports.tests.helpers import report_of, valid_data

pytestmark = pytest.mark.django_db

SESSIONS = "theory_study_sessions"  # 次
PEOPLE = "theory_study_participants"  # 人次


def check(rnd, **typed):
    return check_values(rnd.form, {f"ind-{k}": v for k, v in typed.items()}, enforce_required=False)


def test_units_give_the_default_bounds():
    assert bounds_for("次", None, None) == (1_000, 100_000)
    assert bounds_for("人次", None, None) == (100_000, 10_000_000)
    assert bounds_for("", None, None) == (None, 9_999_999_999)
    assert bounds_for("次", 50, 80) == (50, 80)
    assert parse_integer("１２", minimum=0, hard=100).value == 12


@pytest.mark.parametrize("typed", ["100000000000000", "1000000000000000", "100001"])
def test_beyond_the_hard_bound_says_out_of_range_with_the_limit(rnd, typed):
    result = check(rnd, **{SESSIONS: typed})
    assert result.errors[SESSIONS] == ["超出范围：不能大于100,000。"]
    assert result.raw[SESSIONS] == typed  # what was typed stays


def test_above_the_soft_bound_warns(rnd):
    result = check(rnd, **{SESSIONS: "1001", PEOPLE: "100001"})
    assert not result.errors
    assert result.warnings[SESSIONS] == ["数值偏大：超过1,000次，请核对；如无误请填写说明。"]
    assert result.warnings[PEOPLE] == ["数值偏大：超过100,000人次，请核对；如无误请填写说明。"]
    assert "数值偏大" not in str(check(rnd, **{SESSIONS: "1000"}).warnings)


def test_the_definition_sets_its_own_bounds(rnd):
    Indicator.objects.filter(form=rnd.form, code=SESSIONS).update(soft_max=20, max_value=50)
    assert check(rnd, **{SESSIONS: "21"}).warnings[SESSIONS][0].startswith("数值偏大：超过20次")
    assert check(rnd, **{SESSIONS: "51"}).errors[SESSIONS] == ["超出范围：不能大于50。"]


def test_full_width_digits_are_accepted_and_stored_as_ascii(cast, rnd):
    result = check(rnd, **{SESSIONS: "１２"})
    assert not result.errors and result.values[SESSIONS] == 12 and result.raw[SESSIONS] == "12"
    report = report_of(cast, cast.section)
    data = valid_data(rnd.form, **{SESSIONS: "１２"})
    services.save_draft(cast.section_staff, report, data, report.version)
    value = Value.objects.get(report=report, indicator__code=SESSIONS)
    assert (value.int_value, value.raw) == (12, "12")


@pytest.mark.parametrize("typed", ["١٢", "१२", "১২"])
def test_other_scripts_digits_are_refused(rnd, typed):
    assert check(rnd, **{SESSIONS: typed}).errors[SESSIONS] == ["请用阿拉伯数字 0–9 填写（全角数字也可以）。"]


def test_not_a_number(rnd):
    assert check(rnd, **{SESSIONS: "十二"}).errors[SESSIONS] == ["请输入整数。"]
    assert check(rnd, **{SESSIONS: "-1"}).errors[SESSIONS] == ["不能小于0。"]


def test_a_saved_draft_shows_the_same_errors_after_a_reload(client, cast, rnd):
    report = report_of(cast, cast.section)
    data = valid_data(rnd.form, **{SESSIONS: "100000000000000"})
    services.save_draft(cast.section_staff, report, data, report.version)
    client.force_login(cast.section_staff)
    html = client.get(reverse("reports:edit", args=[report.public_id])).content.decode()
    assert "超出范围：不能大于100,000。" in html and "100000000000000" in html
