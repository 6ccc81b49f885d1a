"""Stored leads in file terms: one dict per lead, with codes instead of ids.

Export streams these rows; the lead import compares a file's rows with them to tell created,
updated and unchanged leads apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate

from projects.models import Lead
from regions.interchange.stored import Row
from regions.models import Firm

# Lead model fields read for a lead row, besides its input industries.
_LEAD_FIELDS = (
    "id",
    "external_id",
    "company",
    "industry_id",
    "region_id",
    "capex",
    "currency",
    "jobs",
    "land_ha",
    "needs",
    "stage",
    "status",
    "received_on",
    "products",
    "investor_origin",
    "investor_type",
    "status_reason",
    "source",
    "power_mw",
    "lost_to",
    "owner_id",
    "firm_id",
)
LEAD_CHUNK = 5_000


class LeadRows:
    """Stored leads as file rows; ids are turned into codes with the given maps."""

    def __init__(self, region_codes: dict[int, str], industry_codes: dict[int, str]) -> None:
        self.region_codes = region_codes
        self.industry_codes = industry_codes
        self._usernames: dict[int, str] | None = None
        self._firm_codes: dict[int, str] | None = None

    @property
    def usernames(self) -> dict[int, str]:
        if self._usernames is None:
            self._usernames = dict(get_user_model().objects.values_list("id", "username"))
        return self._usernames

    @property
    def firm_codes(self) -> dict[int, str]:
        if self._firm_codes is None:
            self._firm_codes = dict(Firm.objects.values_list("id", "code"))
        return self._firm_codes

    def by_external_id(self, external_ids: Iterable[str]) -> dict[str, Row]:
        """The stored rows of these leads (those that exist), with their ids under "id"."""
        wanted = _one_of("external_id", list(external_ids))
        # Archived leads too: an external id stays taken (the import updates the archived lead).
        values = Lead.all_objects.filter(wanted).values(*_LEAD_FIELDS)
        rows = self._rows(list(values))
        return {row["external_id"]: row for row in rows}

    def all_in_order(self) -> Iterator[list[Row]]:
        """Every stored lead, by external_id in code-point order, in chunks."""
        ordered = Lead.objects.order_by(_code_point_order("external_id")).values(*_LEAD_FIELDS)
        chunk: list[dict[str, Any]] = []
        for values in ordered.iterator(chunk_size=LEAD_CHUNK):
            chunk.append(values)
            if len(chunk) == LEAD_CHUNK:
                yield self._rows(chunk)
                chunk = []
        if chunk:
            yield self._rows(chunk)

    def _rows(self, values: list[dict[str, Any]]) -> list[Row]:
        inputs = _input_codes([row["id"] for row in values], self.industry_codes)
        for row in values:
            row["industry_code"] = self.industry_codes[row.pop("industry_id")]
            row["region_code"] = self.region_codes[row.pop("region_id")]
            row["input_codes"] = inputs.get(row["id"], ())
            owner, firm = row.pop("owner_id"), row.pop("firm_id")
            row["owner"] = "" if owner is None else self.usernames[owner]
            row["firm_id"] = "" if firm is None else self.firm_codes[firm]
        return values


def _input_codes(lead_ids: list[int], industry_codes: dict[int, str]) -> dict[int, tuple[str, ...]]:
    through = Lead.input_industries.through
    codes: dict[int, list[str]] = defaultdict(list)
    pairs = through.objects.filter(_one_of("lead_id", lead_ids)).values_list(
        "lead_id", "industry_id"
    )
    for lead_id, industry_id in pairs:
        codes[lead_id].append(industry_codes[industry_id])
    return {lead_id: tuple(sorted(found)) for lead_id, found in codes.items()}


def _one_of(column: str, values: list[Any]) -> Q | RawSQL:
    """A filter `column IN values`. On PostgreSQL it is `column = ANY(%s)` with one array
    parameter: thousands of placeholders are slow to send and plan, and `IN (SELECT
    unnest(…))` gets a sequential scan. `column` is one of ours, never user input."""
    if connection.vendor == "postgresql":
        return RawSQL(f"{column} = ANY(%s)", [values], output_field=BooleanField())  # noqa: S611
    return Q(**{f"{column}__in": values})


def _code_point_order(field_name: str) -> Any:
    """Order by code point on every database (PostgreSQL's default collation is not)."""
    if connection.vendor == "postgresql":
        return Collate(field_name, "C")
    return field_name
