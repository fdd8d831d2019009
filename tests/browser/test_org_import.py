"""Browser journeys of the org tree: the office imports enterprises; enterprise staff fix their phone."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from safetymonth.lib.uscc import complete
from safetymonth.orgs.models import Org
from tests.browser.conftest import login

GOOD_A = complete("91500104MA6BR0001")
GOOD_B = complete("91500104MA6BR0002")
BAD_B = GOOD_B[:17] + ("0" if GOOD_B[17] != "0" else "1")


def _fill_template(template: bytes, rows: list[list[str]]) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    ws = wb["企业名单"]
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_office_imports_enterprises_bad_code_first(page, live_server, cast, tmp_path):
    login(page, live_server, "office")
    page.goto(f"{live_server.url}/orgs/")
    page.click("[data-testid=org-import]")
    page.wait_for_selector("[data-testid=import-form]")

    with page.expect_download() as info:
        page.click("[data-testid=template-xlsx]")
    template_path = tmp_path / "template.xlsx"
    info.value.save_as(template_path)
    template = template_path.read_bytes()
    wb = load_workbook(io.BytesIO(template))
    assert wb.sheetnames == ["企业名单", "说明"]

    before = Org.objects.count()
    rows = [
        ["重庆渡口新开超市有限公司", GOOD_A, "餐饮", "市场运行科", "春晖路9号", "王五", "13800138009"],
        ["重庆渡口新开物流有限公司", BAD_B, "餐饮", "商贸流通科", "", "", "023-68083199"],
    ]
    bad_file = tmp_path / "企业名单.xlsx"
    bad_file.write_bytes(_fill_template(template, rows))
    page.set_input_files("#id_file", str(bad_file))
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=import-errors]")
    error_rows = page.locator("[data-testid=import-error-row]")
    assert error_rows.count() == 1
    text = error_rows.first.inner_text()
    assert "第 4 行" in text and BAD_B in text and "校验码错误" in text  # header row 1, example row 2
    assert "没有导入任何数据" in page.inner_text("[data-testid=import-errors-summary]")
    assert Org.objects.count() == before

    rows[1][1] = GOOD_B
    good_file = tmp_path / "企业名单-改.xlsx"
    good_file.write_bytes(_fill_template(template, rows))
    page.set_input_files("#id_file", str(good_file))
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=org-table]")
    assert "新增 2 家企业" in page.inner_text(".alert-success")
    assert Org.objects.count() == before + 2
    assert Org.objects.get(credit_code=GOOD_B).parent == cast.other_section


def test_enterprise_staff_fixes_contact_phone_on_phone(browser, phone, live_server, cast):
    context = browser.new_context(**phone)
    page = context.new_page()
    try:
        login(page, live_server, "enterprise")
        page.click("[data-testid=home-own-org] a")
        page.click("[data-testid=org-edit]")
        page.fill("#id_phone", "6808311")
        page.click("[data-testid=org-save]")
        error = page.locator("[data-field-error=phone]")
        error.wait_for()
        assert "请填写手机号或带区号的固定电话" in error.inner_text()
        assert page.input_value("#id_phone") == "6808311"
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.fill("#id_phone", "（023）68083188")
        page.click("[data-testid=org-save]")
        page.wait_for_selector("[data-testid=org-phone]")
        assert page.inner_text("[data-testid=org-phone]") == "023-68083188"
        assert "单位信息已保存" in page.inner_text(".alert-success")
        cast.enterprise.refresh_from_db()
        assert cast.enterprise.phone == "023-68083188"
    finally:
        context.close()
