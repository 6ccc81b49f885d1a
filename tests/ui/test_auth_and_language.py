"""Signing in and out, changing the password, and switching between Chinese and English."""

from __future__ import annotations

import gettext
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.ui.errors import assert_error_tied
from tests.ui.scenario import PASSWORD, Scenario

LOCALE = Path(settings.BASE_DIR) / "locale"
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_it_signs_in_and_lands_in_the_inbox(scenario: Scenario) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "officer_jinan", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(scenario: Scenario) -> None:
    response = Client().post(reverse("login"), {"username": "officer_jinan", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_it_signs_out(scenario: Scenario, officer: Client) -> None:
    assert officer.post(reverse("logout")).status_code == 302
    assert officer.get("/").status_code == 302


def test_it_changes_the_password(scenario: Scenario, officer: Client) -> None:
    data = {
        "old_password": PASSWORD,
        "new_password1": "Jinan-2026-new!",
        "new_password2": "Jinan-2026-new!",
    }
    response = officer.post(reverse("password_change"), data)
    assert response.status_code == 302
    assert Client().login(username="officer_jinan", password="Jinan-2026-new!")


def test_a_bad_new_password_is_refused_beside_the_field(
    scenario: Scenario, officer: Client
) -> None:
    data = {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    body = officer.post(reverse("password_change"), data).content.decode()
    assert_error_tied(body, "id_new_password2")
    assert Client().login(username="officer_jinan", password=PASSWORD)


def test_anonymous_htmx_requests_are_sent_to_sign_in_not_swapped(scenario: Scenario) -> None:
    response = Client().get("/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://x/?stage=lead")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_chinese_is_the_default(scenario: Scenario, officer: Client) -> None:
    body = officer.get("/").content.decode()
    assert '<html lang="zh-hans">' in body and "线索收件箱" in body


def test_it_switches_to_english_and_back(scenario: Scenario, officer: Client) -> None:
    response = officer.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = officer.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Lead inbox" in body and "Contact / visit" in body and "Battery cells" in body
    head_and_filters = body.split('<div id="results"')[0].replace("简体中文", "")  # its own name
    head_and_filters = head_and_filters.replace('aria-hidden="true">选<', "")  # the logo glyph
    assert not CJK.findall(head_and_filters), "untranslated text above the results"
    officer.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "线索收件箱" in officer.get("/").content.decode()


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_the_compiled_catalogue_matches_its_po_file(language: str, tmp_path: Path) -> None:
    """The committed .mo must be compiled from the committed .po (users may lack gettext)."""
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(folder / "django.po")], check=True)
    with (folder / "django.mo").open("rb") as committed, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == (  # type: ignore[attr-defined]
            gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
        )


def test_every_chinese_source_string_has_an_english_translation() -> None:
    with (LOCALE / "en" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    untranslated = [
        key
        for key, value in catalog.items()
        if CJK.search(key if isinstance(key, str) else key[0]) and CJK.search(value)
    ]
    assert not untranslated
    po = (LOCALE / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    empty = re.findall(r'msgid "([^"]*[\u4e00-\u9fff][^"]*)"\nmsgstr ""\n\n', po)
    assert not empty, f"Chinese strings without English: {empty}"


def test_forbidden_and_not_found_pages_explain_themselves(
    scenario: Scenario, officer: Client
) -> None:
    forbidden = officer.get(reverse("data_upload"))
    assert forbidden.status_code == 403 and "没有权限" in forbidden.content.decode()
    other = scenario.leads["qd_elec"]  # a Qingdao lead: not found, not "forbidden"
    missing = officer.get(reverse("lead_detail", kwargs={"pk": other.pk}))
    assert missing.status_code == 404 and "找不到页面" in missing.content.decode()
