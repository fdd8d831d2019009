"""Which navigation entry is highlighted."""

from __future__ import annotations

from safetymonth.core.context_processors import _active


def test_entry_of_the_page_app_is_active():
    assert _active("reports:list", "reports:detail")
    assert not _active("reports:list", "dashboard:index")


def test_an_app_with_two_entries_lights_one():
    # the upload page lights 上传材料 only; the gallery and the material pages light 佐证材料
    assert _active("evidence:upload", "evidence:upload")
    assert not _active("evidence:gallery", "evidence:upload")
    assert _active("evidence:gallery", "evidence:detail")
    assert not _active("evidence:upload", "evidence:detail")
