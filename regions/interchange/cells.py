"""One cell: reading its text into a typed value, and writing a typed value back as text.

Reading is strict (a bad cell is a `CellError` whose message is shown to the user) and writing
is canonical (12.5, not 12.50; empty for unknown), so export → import → export is exact.

Spreadsheet programs run a cell that starts with =, +, -, @, tab or carriage return as a
formula ("CSV injection"). Exports prefix such a cell with one apostrophe and imports remove
exactly that apostrophe again, so a company called "-abc" or "=x" survives the round trip.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from regions.interchange.formats import Column, Kind
from regions.validators import CONTROL_CHARACTER, first_control_character

_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")  # exported with one more leading apostrophe
_QUOTED = re.compile(r"'+[=+\-@\t\r]")  # imported with one leading apostrophe fewer
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FULL_WIDTH_SEMICOLON = "；"  # typed by Chinese keyboards; read as ";"
_TRUE = frozenset({"1", "true", "yes"})
_FALSE = frozenset({"0", "false", "no"})
_MAX_FLOAT_DIGITS = 300
_INTEGER_DIGITS = 18


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason shown to the user."""


def neutralise(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def exportable(text: str) -> str:
    """`text` with each character no file can carry (a control character stored before the
    models refused them, regions.validators) replaced by U+FFFD, so an export never fails
    and what it writes can be imported."""
    return text if text.isprintable() else CONTROL_CHARACTER.sub("\ufffd", text)


def unneutralise(text: str) -> str:
    """Remove the apostrophe `neutralise` added (only where the rest would be a formula)."""
    return text[1:] if _QUOTED.match(text) else text


CellReader = Callable[[str], object]


def cell_reader(column: Column) -> CellReader:
    """A function reading one cell of this column (made once per column: it runs per cell).

    Empty means unknown (None), blank text, no flag or an empty list; never zero.
    """
    parse = _PARSERS[column.kind]
    if column.checks:
        parse = _checked(parse, column)
    required = column.value_required
    empty = column.empty
    fresh_list = isinstance(empty, list)

    def read(raw: str) -> object:
        text = raw.strip()
        if text[:1] == "'":
            text = unneutralise(text)
        if text:
            return parse(column, text)
        if required:
            raise CellError("a value is required")
        return [] if fresh_list else empty

    return read


def _checked(
    parse: Callable[[Column, str], object], column: Column
) -> Callable[[Column, str], object]:
    """`parse`, then the model field's rules (`Column.checks`) on the value read; a list
    (names, codes) is checked item by item."""

    checks = column.checks
    many = column.kind in (Kind.NAMES, Kind.CODES)

    def read_and_check(column: Column, text: str) -> object:
        value = parse(column, text)
        try:
            for item in value if many else (value,):  # type: ignore[attr-defined]
                for check in checks:
                    check(item)
        except ValidationError as exc:
            with translation.override("en"):  # import reports are written in English
                raise CellError(" ".join(str(message) for message in exc.messages)) from exc
        return value

    return read_and_check


def parse_cell(column: Column, raw: str) -> object:
    """Read one cell of a column (see `cell_reader`)."""
    return cell_reader(column)(raw)


def _text(column: Column, text: str) -> str:
    if not text.isprintable():  # rare: look for the control characters among the others
        bad = first_control_character(text)  # the models' rule (regions.validators)
        if bad is not None:
            raise CellError(f"contains a control character (U+{ord(bad):04X})")
    if column.max_length is not None and len(text) > column.max_length:
        raise CellError(
            f"too long: {len(text)} characters, the limit is {column.max_length} characters"
        )
    return text


def _number(text: str) -> Decimal:
    """A finite, non-negative number; -0 is read as 0."""
    if not _NUMBER.fullmatch(text):
        raise CellError("not a number")
    value = Decimal(text)
    if value < 0:
        raise CellError("must not be negative")
    return value.copy_abs()


def _digits(value: Decimal) -> tuple[int, int]:
    """(digits before the point, digits after it), ignoring trailing zeros after the point."""
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    length = len(digits)
    while exponent < 0 and length > 1 and digits[length - 1] == 0:
        length -= 1
        exponent += 1
    return max(0, length + exponent), max(0, -exponent)


def _plain_digits(text: str) -> tuple[int, int] | None:
    """`_digits` of plain notation ("41000", "4.20") read off the text; None for any other
    notation (signs, exponents, junk), which takes the general path."""
    head, _point, tail = text.partition(".")
    if (head.isdecimal() or not head) and (tail.isdecimal() or not tail) and (head or tail):
        return len(head.lstrip("0")), len(tail.rstrip("0"))
    return None


def _decimal(column: Column, text: str) -> Decimal:
    plain = _plain_digits(text)
    value = _number(text) if plain is None else Decimal(text)
    whole, places = _digits(value) if plain is None else plain
    allowed_places = column.limit.decimal_places or 0  # type: ignore[attr-defined]
    allowed_whole = (column.limit.max_digits or 0) - allowed_places  # type: ignore[attr-defined]
    if places > allowed_places:
        raise CellError(f"too many decimal places: at most {allowed_places}")
    if whole > allowed_whole:
        raise CellError(f"too large: at most {allowed_whole} digits before the decimal point")
    return value


def _integer(column: Column, text: str) -> int:
    if text.isdecimal() and len(text) <= _INTEGER_DIGITS:  # the common case, fast
        number = int(text)
        if number > column.integer_max:
            raise CellError(f"too large: the limit is {column.integer_max}")
        return number
    value = _number(text)
    whole, places = _digits(value)
    if places:
        raise CellError("must be a whole number")
    if whole > len(str(column.integer_max)) or int(value) > column.integer_max:
        raise CellError(f"too large: the limit is {column.integer_max}")
    return int(value)


def _float(column: Column, text: str) -> float:
    value = _number(text)
    if _digits(value)[0] > _MAX_FLOAT_DIGITS:
        raise CellError("too large")
    if column.maximum is not None and value > Decimal(repr(column.maximum)):
        raise CellError(f"too large: at most {column.maximum:g}")
    return float(value)


def _date(column: Column, text: str) -> dt.date:
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise CellError("not a valid date (expected YYYY-MM-DD, e.g. 2026-01-15)")


def _datetime(column: Column, text: str) -> dt.datetime:
    """ISO 8601 with a UTC offset (as exports write it); without one, the site's time zone."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CellError(
            "not a valid date and time (expected ISO 8601, e.g. 2026-01-15T09:30:00+08:00)"
        ) from None
    if value.tzinfo is None:
        value = timezone.make_aware(value)
    return value


def _choice(column: Column, text: str) -> str:
    if text not in column.choices:
        raise CellError(f"not one of: {', '.join(column.choices)}")
    return text


def _flag(column: Column, text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise CellError("expected 1 or 0")


def _names(column: Column, text: str) -> list[str]:
    names: list[str] = []
    for item in text.replace(_FULL_WIDTH_SEMICOLON, ";").split(";"):
        name = item.strip()
        if name and name not in names:
            names.append(_text(column, name))
    return names


def _codes(column: Column, text: str) -> tuple[str, ...]:
    return tuple(sorted(_names(column, text)))


_PARSERS: dict[Kind, Callable[[Column, str], object]] = {
    Kind.TEXT: _text,
    Kind.DECIMAL: _decimal,
    Kind.INTEGER: _integer,
    Kind.FLOAT: _float,
    Kind.DATE: _date,
    Kind.DATETIME: _datetime,
    Kind.CHOICE: _choice,
    Kind.FLAG: _flag,
    Kind.NAMES: _names,
    Kind.CODES: _codes,
}


def format_decimal(value: Decimal) -> str:
    """Plain notation without trailing zeros: 12.5, 100, 0."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_float(value: float) -> str:
    """Whole floats without ".0" (1, not 1.0); others as the shortest exact repr (0.25)."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def format_cell(kind: Kind, value: object) -> str:
    """The canonical CSV text of a stored value; None (unknown) is the empty cell."""
    if value is None:
        return ""
    if kind is Kind.DECIMAL:
        text = format_decimal(value)  # type: ignore[arg-type]
    elif kind is Kind.FLOAT:
        text = format_float(float(value))  # type: ignore[arg-type]
    elif kind is Kind.DATE:
        text = value.isoformat()  # type: ignore[attr-defined]
    elif kind is Kind.DATETIME:
        text = value.astimezone(dt.UTC).isoformat()  # type: ignore[attr-defined]
    elif kind is Kind.FLAG:
        text = "1" if value else "0"
    elif kind in (Kind.NAMES, Kind.CODES):
        text = ";".join(value)  # type: ignore[arg-type]
    else:
        text = str(value)
    return neutralise(exportable(text))


def xlsx_value(kind: Kind, value: object) -> object:
    """The .xlsx cell value of a stored value: numbers and dates typed, text neutralised.

    A decimal that a float (Excel's only number type) cannot hold exactly is written as text.
    """
    if value is None:
        return None
    if kind is Kind.DECIMAL:
        assert isinstance(value, Decimal)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format_decimal(value)
    if kind is Kind.FLAG:
        return 1 if value else 0
    if kind in (Kind.FLOAT, Kind.INTEGER, Kind.DATE):
        return value
    return format_cell(kind, value)


def xlsx_text(value: object) -> str:
    """The text of an .xlsx cell as read, in the same notation as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, dt.datetime):
        is_midnight = value.time() == dt.time(0)
        return value.date().isoformat() if is_midnight else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
