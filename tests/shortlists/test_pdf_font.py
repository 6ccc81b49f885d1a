"""The PDF briefing embeds a TrueType CJK font when one is installed, and says so when not."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from shortlists import pdf_fonts
from tests.shortlists.test_pages import save_shortlist
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.django_db
INSTALLED = any(pdf_fonts._load(Path(p)) is not None for p in pdf_fonts.KNOWN_PATHS)


@pytest.fixture(autouse=True)
def _fresh_font_choice() -> Iterator[None]:
    pdf_fonts.cjk_font_name.cache_clear()
    yield
    pdf_fonts.cjk_font_name.cache_clear()


def fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    """(base font name, embedded?) of every font the pages use."""
    found = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            parts = [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]
            descriptors = [
                p["/FontDescriptor"].get_object() for p in parts if "/FontDescriptor" in p
            ]
            embedded = any(
                key in d for d in descriptors for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found.append((str(font["/BaseFont"]), embedded))
    return found


def briefing(manager: Client) -> PdfReader:
    saved = save_shortlist(manager, cutoff=3, status="any")
    response = manager.get(reverse("shortlists:export_pdf", args=[saved.pk]))
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.content))


@pytest.mark.skipif(not INSTALLED, reason="needs a TrueType CJK font (fonts-wqy-microhei)")
def test_it_embeds_an_installed_truetype_cjk_font(manager: Client, world: Scenario) -> None:
    reader = briefing(manager)
    used = fonts(reader)
    assert used and all(embedded for _name, embedded in used), used
    assert not any("STSong" in name for name, _embedded in used)
    assert "·" in reader.pages[1].extract_text()  # the bullet of each sentence is real text


def test_without_a_cjk_font_it_falls_back_and_warns(
    manager: Client, world: Scenario, monkeypatch: Any, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(pdf_fonts, "candidate_paths", lambda: iter([Path("/nonexistent.ttf")]))
    with caplog.at_level(logging.WARNING, logger="shortlists.pdf_fonts"):
        reader = briefing(manager)
    assert any("No TrueType CJK font" in r.getMessage() for r in caplog.records)
    assert {name for name, _embedded in fonts(reader)} >= {"/STSong-Light"}
    assert len(reader.pages) == 4


def test_a_configured_font_comes_first(settings: Any) -> None:
    settings.PDF_CJK_FONT = "/srv/fonts/house.ttf"
    assert next(pdf_fonts.candidate_paths()) == Path("/srv/fonts/house.ttf")


def test_files_it_cannot_embed_are_skipped(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    assert pdf_fonts._load(broken) is None
    assert pdf_fonts._load(tmp_path / "cff.otf") is None
