"""The upload page refuses a file over the size limit beside its field, in both languages and
on a phone (issue 14, finding 5); screenshots under test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.ui.scenario import PASSWORD, Scenario

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
MESSAGES = {
    "zh-CN": "文件超过 0.01 MB 的上限。",
    "en-US": "The file is larger than the limit of 0.01 MB.",
}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_file_over_the_limit_is_refused_beside_the_field(
    browser: Any,
    live_server: Any,
    scenario: Scenario,
    settings: Any,
    tmp_path: Path,
    shot: Callable[[Any, str], Path],
    locale: str,
    size: str,
) -> None:
    settings.UPLOAD_MAX_BYTES = 10_000
    big = tmp_path / "endowments.csv"
    big.write_text("region_code,factor,value\n" + "SD-JN,rail,1\n" * 2_000)
    context = browser.new_context(viewport=SIZES[size], locale=locale)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        tab.goto(f"{live_server.url}/accounts/login/")
        tab.locator("input[name=username]").fill("admin")
        tab.locator("input[name=password]").fill(PASSWORD)
        tab.locator("input[name=password]").press("Enter")
        tab.wait_for_url(f"{live_server.url}/")
        tab.goto(f"{live_server.url}/data/upload/")
        tab.locator("input[type=file]").set_input_files(str(big))
        tab.locator("main form.stack [type=submit]").click()
        tab.wait_for_load_state()

        error = tab.get_by_text(MESSAGES[locale])
        assert error.is_visible()
        shot(tab, f"upload-limit-{size}-{locale}")
    finally:
        context.close()
