"""Rules on values that model field types alone do not express, written once.

The models attach these functions as field validators, so `full_clean` (which the write
services run), the API's model serializers, the product's forms and the Django admin all apply
them; the importer's cell reader runs the same validators of the column's model field
(regions.interchange.cells). So a value one entry path refuses is refused by every other, and
whatever is stored can be exported and imported again (docs/data-format.md).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Hashable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.iso4217 import CURRENCY_CODES

# Characters no export can carry: C0 control characters other than tab, line feed and carriage
# return (illegal in .xlsx, whose cells are XML), lone surrogates (not encodable as UTF-8) and
# the non-characters U+FFFE and U+FFFF (illegal in XML). Tab and line breaks round-trip.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The longest free text (products, a cluster's description, an activity's text): it must fit
# in one CSV field (Python's csv reads 131,072 characters) and one .xlsx cell (32,767).
LONG_TEXT_MAX = 10_000
# Dates people enter (a lead received, an activity held): nothing before this, nothing more
# than a year ahead of today (a date in 2999 is a typo, not a plan).
EARLIEST_DATE = dt.date(1950, 1, 1)
LATEST_DAYS_AHEAD = 366
FACTOR_MAX_LENGTH = 64  # regions.models.Endowment.factor


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


long_text = MaxLengthValidator(LONG_TEXT_MAX)
# A free text field's rules: no character an export cannot carry, at most LONG_TEXT_MAX long.
LONG_TEXT: list[Callable[[Any], None]] = [no_control_characters, long_text]


def known_currency(value: str) -> None:
    """An ISO 4217 code in capitals (CNY, USD, EUR); RMB is written CNY."""
    if value not in CURRENCY_CODES:
        raise ValidationError(
            _("Unknown currency %(code)s: use an ISO 4217 code such as CNY, USD or EUR."),
            code="unknown_currency",
            params={"code": value},
        )


def latest_date() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=LATEST_DAYS_AHEAD)


# The latest date found valid so far: it only moves forward, so a date up to it is valid
# without asking the clock (an import checks a million dates; localdate() is slow).
_latest_known = [dt.date.min]


def _not_too_late(value: dt.date) -> bool:
    if value <= _latest_known[0]:
        return True
    _latest_known[0] = latest_date()
    return value <= _latest_known[0]


def plausible_date(value: dt.date | None) -> None:
    """A date a person means: from 1950 to a year ahead of today (None, unknown, passes)."""
    if value is None:
        return
    if not (value >= EARLIEST_DATE and _not_too_late(value)):
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": latest_date().isoformat()},
        )


def unknown_names(names: Iterable[str], known: Collection[str]) -> list[str]:
    """The names (of a lead's needs) that are not known endowment factors, in their order."""
    return [name for name in names if name not in known]


def known_needs(needs: Iterable[str], known: Collection[str]) -> None:
    """A lead's needs must name endowment factors (`known`: regions.models.known_factors)."""
    unknown = unknown_names(needs, known)
    if unknown:
        raise ValidationError(
            _(
                "Unknown need %(names)s: a need names an endowment factor that regions record "
                "(e.g. port, industrial_land_ha)."
            ),
            code="unknown_need",
            params={"names": ", ".join(unknown)},
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


def names_list(value: object) -> None:
    """A list of names (a lead's needs): a JSON list of distinct texts of at most 64
    characters (the length of an endowment factor), none with a control character."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError(_("Enter a list of names."), code="not_a_list")
    for name in value:
        no_control_characters(name)
        if not name.strip() or len(name) > FACTOR_MAX_LENGTH:
            raise ValidationError(
                _("Each name has 1 to %(limit)d characters."),
                code="name_length",
                params={"limit": FACTOR_MAX_LENGTH},
            )
    repeat = first_repeat(value)
    if repeat is not None:
        raise ValidationError(
            _("%(name)s is listed twice."), code="repeated_name", params={"name": repeat}
        )
