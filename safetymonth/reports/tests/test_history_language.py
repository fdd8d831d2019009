"""The history page's yes/no values follow the reader's language."""

from __future__ import annotations

from django.utils import translation

from safetymonth.reports.history import diff


def test_yes_no_values_in_the_history_are_translated():
    with translation.override("zh-hans"):
        assert [(c.old, c.new) for c in diff({"values": {"f": "no"}}, {"values": {"f": "yes"}}, {"f": "观看"})] == [
            ("否", "是")
        ]
    with translation.override("en"):
        assert [(c.old, c.new) for c in diff({"values": {"f": "no"}}, {"values": {"f": "yes"}}, {"f": "观看"})] == [
            ("No", "Yes")
        ]
