"""Neutralising spreadsheet formulas in exported text (CSV injection, OWASP)."""

from regions.validators import CONTROL_CHARACTER

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text a spreadsheet will not evaluate (a leading formula character gets a `'` prefix)
    and can always hold: a character an .xlsx cell cannot (openpyxl's IllegalCharacterError),
    stored before the models refused them (regions.validators), becomes U+FFFD."""
    text = "" if value is None else str(value)
    if not text.isprintable():
        text = CONTROL_CHARACTER.sub("\ufffd", text)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
