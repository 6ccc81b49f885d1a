"""The Chinese font of the PDF briefings: an embedded TrueType CJK font when one is installed.

reportlab's built-in CID font STSong-Light is not embedded: each reader substitutes its own
font, and some (poppler without CJK fonts) draw "·", bullets or even every character as empty
boxes. So the briefing embeds (a subset of) a TrueType font that covers Chinese: the file in
settings.PDF_CJK_FONT if set, else the first Chinese-capable TrueType font fontconfig knows
(`fc-list :lang=zh`), else one of the usual Debian paths (fonts-wqy-microhei, installed by the
Dockerfile and .ci/run). Without any, it falls back to STSong-Light and logs a warning.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

EMBEDDED = "XuanshangCJK"
FALLBACK = "STSong-Light"
KNOWN_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
# Characters the briefings print that a usable font must have: Han, the middle dot, the
# triangle of the "near the cut-off" flag.
MUST_COVER = "选商·△"
TRUETYPE_SUFFIXES = (".ttf", ".ttc")  # reportlab embeds TrueType outlines, not CFF (.otf)


@functools.cache
def cjk_font_name() -> str:
    """Register the briefing font once per process and return its reportlab name."""
    for path in candidate_paths():
        font = _load(path)
        if font is not None:
            pdfmetrics.registerFont(font)
            log.info("PDF briefings embed the CJK font %s", path)
            return EMBEDDED
    log.warning(
        "No TrueType CJK font found (set PDF_CJK_FONT or install fonts-wqy-microhei): PDF "
        "briefings use the non-embedded %s, which some readers show as empty boxes.",
        FALLBACK,
    )
    if FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK


def candidate_paths() -> Iterator[Path]:
    """The configured font, then fontconfig's Chinese TrueType fonts, then known paths."""
    configured = getattr(settings, "PDF_CJK_FONT", "")
    if configured:
        yield Path(configured)
    yield from _fontconfig_paths()
    yield from (Path(p) for p in KNOWN_PATHS)


def _fontconfig_paths() -> list[Path]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        found = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    paths = {line.strip().rstrip(":") for line in found.splitlines() if line.strip()}
    return sorted(Path(p) for p in paths if p.lower().endswith(TRUETYPE_SUFFIXES))


def _load(path: Path) -> TTFont | None:
    """The font at `path` if reportlab can embed it and it covers MUST_COVER, else None."""
    if not path.is_file() or not str(path).lower().endswith(TRUETYPE_SUFFIXES):
        return None
    try:
        font = TTFont(EMBEDDED, str(path), subfontIndex=0)
    except (TTFError, OSError, ValueError) as error:
        log.info("Cannot embed %s in PDFs: %s", path, error)
        return None
    covered = font.face.charToGlyph
    if any(ord(ch) not in covered for ch in MUST_COVER):
        return None
    return font
