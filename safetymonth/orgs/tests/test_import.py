"""Enterprise import: the row-by-row report, all-or-nothing, encodings, duplicates, upsert, limits."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from safetymonth.audit.models import AuditEntry
from safetymonth.lib.uscc import complete
from safetymonth.orgs import importing
from safetymonth.orgs.models import Org, OrgKind
from safetymonth.orgs.services import import_enterprises, import_template
from safetymonth.orgs.tests.helpers import HEADER, csv_bytes, xlsx_bytes
from tests.factories import IndustryFactory, credit_code, make_org

GOOD = complete("91500104MA60000A1")
GOOD2 = complete("91500104MA60000A2")
BAD_CHECK = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")


@pytest.fixture
def industries(db):
    return {
        "餐饮": IndustryFactory(code="catering", name="餐饮"),
        "物流": IndustryFactory(code="logistics", name="物流"),
    }


def run(cast, data, name="orgs.xlsx", **kw):
    return import_enterprises(cast.office, io.BytesIO(data), name, **kw)


def test_one_bad_credit_code_names_the_row_and_imports_nothing(cast, industries):
    before = Org.objects.count()
    data = xlsx_bytes(
        [
            ["渡口商贸有限公司", GOOD, "餐饮", "市场运行科", "春晖路1号", "王五", "13800138000"],
            ["渡口物流有限公司", BAD_CHECK, "物流", "市场运行科", "", "", ""],
        ]
    )
    result = run(cast, data)
    assert not result.ok
    assert [(e.row, e.column, e.value) for e in result.errors] == [(3, "统一社会信用代码*", BAD_CHECK)]
    assert result.errors[0].message == (
        f'统一社会信用代码第18位校验码错误：按 GB 32100-2015 应为"{GOOD[17]}"，填写的是"{BAD_CHECK[17]}"。'
    )
    assert Org.objects.count() == before
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()


def test_good_file_creates_enterprises_under_sections_with_one_audit_entry(cast, industries):
    data = xlsx_bytes(
        [
            ["渡口商贸有限公司", GOOD, "餐饮", "市场运行科", "春晖路1号", "王五", "(023)68083116"],
            ["渡口物流有限公司", GOOD2.lower(), "物流", "商贸流通科", "", "", 13800138000],
        ]
    )
    result = run(cast, data)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (2, 0)
    a = Org.objects.get(credit_code=GOOD)
    b = Org.objects.get(credit_code=GOOD2)
    assert a.kind == OrgKind.ENTERPRISE and a.parent == cast.section and a.depth == 2
    assert a.path == cast.section.path + f"{a.pk:08d}/"
    assert a.phone == "023-68083116" and a.industry.name == "餐饮" and a.contact_name == "王五"
    assert b.parent == cast.other_section and b.phone == "13800138000"
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT)
    assert entries.count() == 1
    assert entries[0].changes["created"] == 2 and entries[0].actor == cast.office
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=a.public_id).count() == 0


def test_section_matched_by_short_name(cast, industries):
    cast.section.short_name = "市场科"
    cast.section.save(update_fields=["short_name"])
    result = run(cast, xlsx_bytes([["渡口商贸有限公司", GOOD, "餐饮", "市场科"]]))
    assert result.ok and Org.objects.get(credit_code=GOOD).parent == cast.section


def test_upsert_updates_and_moves_existing_enterprise(cast, industries):
    code = cast.enterprise.credit_code
    data = csv_bytes([["新名称加油站", code, "物流", "商贸流通科", "", "", "13900139000"]])
    result = run(cast, data, name="orgs.csv")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.moved) == (0, 1, 1)
    cast.enterprise.refresh_from_db()
    assert cast.enterprise.name == "新名称加油站"
    assert cast.enterprise.parent == cast.other_section
    assert cast.enterprise.path.startswith(cast.other_section.path)
    assert cast.enterprise.phone == "13900139000"
    # blank optional cells keep what was there
    assert cast.enterprise.contact_name == "李四" and cast.enterprise.address == "大渡口区春晖路1号"


def test_unchanged_rows_are_counted(cast, industries):
    e = cast.enterprise
    data = csv_bytes([[e.name, e.credit_code, "餐饮", "市场运行科", "", "", ""]])
    result = run(cast, data, name="orgs.csv")
    assert result.ok and (result.updated, result.unchanged) == (0, 1)


def test_code_held_outside_scope_is_an_error_without_naming_the_holder(cast, industries):
    other_section = make_org("外区科室", OrgKind.SECTION, cast.other_authority)
    holder = make_org("外区企业", OrgKind.ENTERPRISE, other_section, credit_code=credit_code(99))
    result = run(cast, csv_bytes([["随便", holder.credit_code, "餐饮", "市场运行科"]]), name="a.csv")
    assert [e.row for e in result.errors] == [2]
    assert "外区企业" not in result.errors[0].message
    holder.refresh_from_db()
    assert holder.name == "外区企业"


def test_duplicate_codes_in_file_flag_both_rows(cast, industries):
    data = csv_bytes(
        [
            ["甲公司", GOOD, "餐饮", "市场运行科"],
            ["乙公司", GOOD2, "餐饮", "市场运行科"],
            ["丙公司", GOOD.lower(), "物流", "市场运行科"],
        ]
    )
    result = run(cast, data, name="a.csv")
    assert [e.row for e in result.errors] == [2, 4]
    assert "第 4 行" in result.errors[0].message and "第 2 行" in result.errors[1].message
    assert not Org.objects.filter(credit_code__in=[GOOD, GOOD2]).exists()


def test_every_cell_problem_is_reported(cast, industries):
    data = csv_bytes(
        [
            ["", "123", "服装", "不存在的科室", "", "", "12345"],
            ["丁公司", "", "", "", "x" * 201, "", ""],
        ]
    )
    result = run(cast, data, name="a.csv")
    got = {(e.row, e.column) for e in result.errors}
    assert got == {
        (2, "企业名称*"),
        (2, "统一社会信用代码*"),
        (2, "所属行业*"),
        (2, "监管科室*"),
        (2, "联系电话"),
        (3, "统一社会信用代码*"),
        (3, "所属行业*"),
        (3, "监管科室*"),
        (3, "地址"),
    }
    by_key = {(e.row, e.column): e for e in result.errors}
    assert "餐饮" in by_key[(2, "所属行业*")].message  # lists what may be used
    assert by_key[(2, "联系电话")].message.startswith("请填写手机号或带区号的固定电话")
    # in Excel order: row, then column
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)


def test_inactive_industry_and_section_refused(cast, industries):
    industries["物流"].is_active = False
    industries["物流"].save()
    cast.other_section.is_active = False
    cast.other_section.save()
    data = csv_bytes([["甲公司", GOOD, "物流", "商贸流通科"]])
    result = run(cast, data, name="a.csv")
    messages = " ".join(e.message for e in result.errors)
    assert "已停用" in messages and len(result.errors) == 2


def test_section_outside_actor_scope_is_not_matched(cast, industries):
    make_org("外区科室", OrgKind.SECTION, cast.other_authority)
    result = run(cast, csv_bytes([["甲公司", GOOD, "餐饮", "外区科室"]]), name="a.csv")
    assert [e.column for e in result.errors] == ["监管科室*"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_encodings(cast, industries, encoding):
    data = csv_bytes([["渡口商贸有限公司", GOOD, "餐饮", "市场运行科", "春晖路1号", "王五", ""]], encoding=encoding)
    result = run(cast, data, name="企业.CSV")
    assert result.ok, (result.file_error, result.errors)
    assert Org.objects.get(credit_code=GOOD).name == "渡口商贸有限公司"


def test_headers_without_star_and_aliases(cast, industries):
    header = ["序号", "企业名称", "信用代码", "行业", "科室", "电话"]
    data = csv_bytes([["1", "甲公司", GOOD, "餐饮", "市场运行科", "13800138000"]], header=header)
    result = run(cast, data, name="a.csv")
    assert result.ok, result.errors


def test_example_row_of_template_is_skipped(cast, industries):
    data = xlsx_bytes([importing.example_row("餐饮", "市场运行科"), ["甲公司", GOOD, "餐饮", "市场运行科"]])
    result = run(cast, data)
    assert result.ok and result.created == 1


def test_dry_run_writes_nothing(cast, industries):
    before = Org.objects.count()
    result = run(cast, xlsx_bytes([["甲公司", GOOD, "餐饮", "市场运行科"]]), dry_run=True)
    assert result.ok and result.created == 1 and "尚未导入" in result.summary()
    assert Org.objects.count() == before


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"", "a.csv", "空"),
        (b"", "a.xlsx", "空"),
        (b"hello", "a.xlsx", "内容不是 Excel"),
        (b"PK\x03\x04garbage", "a.xlsx", "无法读取"),
        (b"PK\x03\x04garbage", "a.csv", "内容是 Excel"),
        (b"\x00\x01\x02", "a.csv", "不是文本"),
        (b"\xff\xfe" + "企业名称".encode("utf-16-le"), "a.csv", "UTF-16"),
        (b"x", "a.xls", ".xls"),
        (b"x", "a.pdf", "只能导入"),
        ("企业名称,地址\r\n甲,乙\r\n".encode(), "a.csv", "缺少必填列：统一社会信用代码、所属行业、监管科室"),
        (b",,,\r\n,,\r\n", "a.csv", "空"),
        (("\ufeff" + ",".join(HEADER) + "\r\n").encode(), "a.csv", "没有企业数据"),
        ("企业名称,企业名称,统一社会信用代码,所属行业,监管科室\r\n".encode(), "a.csv", "两次"),
        ('企业名称,统一社会信用代码,所属行业,监管科室\r\n"a,b,c,d\r\n'.encode(), "a.csv", None),
    ],
)
def test_file_problems_have_plain_messages(cast, industries, data, name, fragment):
    result = run(cast, data, name=name)
    assert not result.ok
    if fragment:
        assert fragment in result.file_error


def test_too_big_file_is_refused(cast, industries, settings):
    settings.IMPORT_MAX_BYTES = 100
    result = run(cast, csv_bytes([["甲公司", GOOD, "餐饮", "市场运行科", "x" * 200]]), name="a.csv")
    assert "文件太大" in result.file_error


def test_more_than_max_rows_is_refused(cast, industries, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    rows = [[f"公司{i}", complete(f"91500104MA6{i:06d}"), "餐饮", "市场运行科"] for i in range(4)]
    result = run(cast, csv_bytes(rows), name="a.csv")
    assert "超过 3 行" in result.file_error


def test_five_thousand_rows_import(cast, industries):
    rows = [[f"公司{i}", complete(f"91500104MA6{i:06d}"), "餐饮", "市场运行科"] for i in range(5000)]
    result = run(cast, csv_bytes(rows), name="a.csv")
    assert result.ok and result.created == 5000
    assert Org.objects.subtree(cast.section).enterprises().count() == 5002
    assert not Org.objects.filter(path__startswith="tmp").exists()


def test_only_importers_may_import(cast, industries):
    with pytest.raises(PermissionDenied):
        import_enterprises(cast.section_staff, io.BytesIO(b"x"), "a.csv")


def test_template_xlsx_has_help_sheet_with_industries_and_sections(cast, industries):
    from openpyxl import load_workbook

    content, content_type, _name = import_template(cast.office, "xlsx")
    assert content.startswith(b"PK") and "spreadsheetml" in content_type
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["企业名单", "说明"]
    assert [c.value for c in wb["企业名单"][1]] == HEADER
    assert wb["企业名单"]["A2"].value.startswith("（示例）")
    help_text = [r[0] for r in wb["说明"].iter_rows(values_only=True) if r and r[0]]
    assert {"餐饮", "物流", "市场运行科", "商贸流通科"} <= set(help_text)
    # the template, filled in as given, imports nothing and reads cleanly
    result = run(cast, content)
    assert result.file_error == "文件只有表头，没有企业数据。"


def test_template_csv_is_utf8_with_bom(cast, industries):
    content, content_type, _name = import_template(cast.office, "csv")
    assert content.startswith(b"\xef\xbb\xbf") and "text/csv" in content_type
    assert content.decode("utf-8-sig").splitlines()[0] == ",".join(c.header for c in importing.COLUMNS)


def test_command_imports_and_reports(cast, industries, tmp_path, capsys):
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(xlsx_bytes([["甲公司", GOOD, "餐饮", "市场运行科"]]))
    call_command("import_orgs", str(path), "--user", "office", "--dry-run")
    assert not Org.objects.filter(credit_code=GOOD).exists()
    call_command("import_orgs", str(path), "--user", "office")
    assert Org.objects.filter(credit_code=GOOD).exists()
    assert "新增 1 家企业" in capsys.readouterr().out


def test_command_exits_1_with_row_report(cast, industries, tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes([["甲公司", BAD_CHECK, "餐饮", "市场运行科"]], encoding="gbk"))
    with pytest.raises(CommandError) as exc:
        call_command("import_orgs", str(path), "--user", "office")
    assert exc.value.returncode == 1
    out = capsys.readouterr().out
    assert "2\t统一社会信用代码*\t" in out and "校验码错误" in out


def test_command_refuses_users_without_permission(cast, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="权限"):
        call_command("import_orgs", str(path), "--user", "leader")
    with pytest.raises(CommandError, match="没有这个用户"):
        call_command("import_orgs", str(path), "--user", "nobody")


def test_shared_strings_bomb_is_refused_before_openpyxl_reads_it(cast, industries, monkeypatch):
    from safetymonth.orgs.tests.helpers import with_huge_shared_strings

    data = with_huge_shared_strings(xlsx_bytes([["甲公司", GOOD, "餐饮", "市场运行科"]]))
    assert len(data) < 1024 * 1024

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open the file")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    result = run(cast, data)
    assert not result.ok
    assert "解压后过大" in result.file_error and "8 MB" in result.file_error


def test_cell_cap(cast, industries, settings):
    settings.IMPORT_MAX_CELLS = 10
    rows = [[f"公司{i}", complete(f"91500104MA6{i:06d}"), "餐饮", "市场运行科"] for i in range(3)]
    result = run(cast, xlsx_bytes(rows))
    assert "单元格超过 10 个" in result.file_error
    settings.IMPORT_MAX_CELLS = 250_000
    assert run(cast, xlsx_bytes(rows)).ok  # a normal file still imports


def test_wide_sheet_is_read_only_to_its_first_columns(cast, industries):
    row = ["甲公司", GOOD, "餐饮", "市场运行科"]
    wb_rows = [row + [""] * 200 + ["x"]]  # a stray cell in column 205
    assert run(cast, xlsx_bytes(wb_rows)).ok
