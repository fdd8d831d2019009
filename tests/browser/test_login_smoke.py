from tests.browser.conftest import login


def test_office_logs_in_and_sees_home(page, live_server, cast):
    login(page, live_server, "office")
    page.wait_for_selector("[data-testid=home-office]")
    assert "秦轲" in page.inner_text("[data-testid=home-title]")
