"""Neutralising spreadsheet formulas in exported text (CSV injection, OWASP)."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text a spreadsheet will not evaluate: a leading formula character gets a `'` prefix."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
