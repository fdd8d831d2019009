"""manage.py load_campaign / dump_campaign."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from safetymonth.audit.models import AuditEntry
from safetymonth.campaigns.models import Campaign
from safetymonth.campaigns.tests.conftest import FILE_2021


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_then_dump_round_trips(cast, tmp_path):
    out, _err = run("load_campaign", str(FILE_2021), "--user", "office")
    assert "已创建活动“dadukou-commerce-2021”" in out
    assert AuditEntry.objects.filter(object_type="campaigns.campaign").get().actor == cast.office
    out, _err = run("load_campaign", str(FILE_2021))
    assert "没有变化" in out
    target = tmp_path / "out.yaml"
    run("dump_campaign", "dadukou-commerce-2021", "-o", str(target))
    assert target.read_text(encoding="utf-8") == FILE_2021.read_text(encoding="utf-8")
    out, _err = run("dump_campaign", "dadukou-commerce-2021")
    assert out == FILE_2021.read_text(encoding="utf-8")


def test_malformed_file_prints_line_numbers_and_exits_1(cast, tmp_path):
    bad = tmp_path / "bad.yaml"
    text = FILE_2021.read_text(encoding="utf-8")
    broken = text.replace("  unit: 人次\n", "  unit: 人次\n   broken: [\n", 1)
    bad.write_text(broken, encoding="utf-8")
    line = next(n for n, row in enumerate(broken.split("\n"), 1) if "broken: [" in row)
    err = StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("load_campaign", str(bad), stdout=StringIO(), stderr=err)
    assert info.value.code == 1
    assert f"{bad}:{line}:" in err.getvalue() and "YAML 格式错误" in err.getvalue()
    assert not Campaign.objects.exists()


def test_schema_errors_are_listed_with_file_line_and_field(cast, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    text = FILE_2021.read_text(encoding="utf-8").replace("kind: boolean", "kind: yes_no", 1)
    bad.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.split("\n"), 1) if "kind: yes_no" in row)
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("load_campaign", str(bad), stdout=StringIO(), stderr=err)
    output = err.getvalue()
    assert "有 1 处错误，未作任何修改" in output
    assert f"{bad}:{line}:" in output and "forms[0].items[0].indicators[2].kind" in output and "yes_no" in output


def test_missing_file_unknown_user_unknown_code(cast, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run("load_campaign", str(tmp_path / "none.yaml"))
    with pytest.raises(CommandError, match="nobody"):
        run("load_campaign", str(FILE_2021), "--user", "nobody")
    with pytest.raises(CommandError, match="不存在"):
        run("dump_campaign", "nothing")
