"""Rules on reference-data values that model field types alone do not express, written once.

The importer's cell reader and the models' validators (so `full_clean`, which the API's
serializers, the write services and the product's forms all run) use these same functions, so
a value one entry path refuses is refused by every other.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 control characters other than tab, line feed and carriage return (also illegal in .xlsx).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def first_control_character(text: str) -> str | None:
    """The first control character in `text`, or None (fast for ordinary text)."""
    if text.isprintable():
        return None
    found = CONTROL_CHARACTER.search(text)
    return found.group() if found else None


def no_control_characters(value: str) -> None:
    bad = first_control_character(value)
    if bad is not None:
        raise ValidationError(
            _("Contains a control character (U+%(code)04X)."),
            code="control_character",
            params={"code": ord(bad)},
        )


def non_negative_finite(value: float | None) -> None:
    """Amounts are finite and not negative (None, unknown, is allowed where the field is)."""
    if value is None:
        return
    if not math.isfinite(float(value)):
        raise ValidationError(_("Enter a finite number."), code="not_finite")
    if value < 0:
        raise ValidationError(_("Must not be negative."), code="negative")


def first_repeat(keys: Iterable[Hashable]) -> Hashable | None:
    """The first key that appears a second time, or None (a list that must not repeat)."""
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None
