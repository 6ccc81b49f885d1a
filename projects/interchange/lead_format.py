"""The leads table of the interchange format, and the bundle's tables in import order."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from projects.interchange.timeline import TIMELINE_TABLES
from projects.models import Lead
from regions.interchange.formats import (
    FIRM,
    INDUSTRY,
    TABLES,
    USER,
    Kind,
    Table,
    column,
    industry_code_column,
    region_code_column,
    source_column,
)
from regions.models import Endowment, Firm, Industry

User = get_user_model()

LEADS = Table(
    name="leads",
    model=Lead,
    key=("external_id",),
    unique_fields=("external_id",),
    columns=(
        column(
            "external_id", Kind.TEXT, Lead, "external_id", target="external_id", value_required=True
        ),
        column("company", Kind.TEXT, Lead, "company", target="company", value_required=True),
        industry_code_column(),
        region_code_column(),
        column("capex", Kind.DECIMAL, Lead, "capex", target="capex"),
        column("currency", Kind.TEXT, Lead, "currency", target="currency", value_required=True),
        column("jobs", Kind.INTEGER, Lead, "jobs", target="jobs"),
        column("land_ha", Kind.DECIMAL, Lead, "land_ha", target="land_ha"),
        column("needs", Kind.NAMES, Endowment, "factor", target="needs"),
        column("input_codes", Kind.CODES, Industry, "code", ref=INDUSTRY),
        column("stage", Kind.CHOICE, Lead, "stage", target="stage", value_required=True),
        column("status", Kind.CHOICE, Lead, "status", target="status", value_required=True),
        column("received_on", Kind.DATE, Lead, "received_on", target="received_on"),
        column("products", Kind.TEXT, Lead, "products", target="products", optional=True),
        column(
            "investor_origin",
            Kind.TEXT,
            Lead,
            "investor_origin",
            target="investor_origin",
            optional=True,
        ),
        column(
            "investor_type",
            Kind.CHOICE,
            Lead,
            "investor_type",
            target="investor_type",
            optional=True,
        ),
        column(
            "status_reason", Kind.TEXT, Lead, "status_reason", target="status_reason", optional=True
        ),
        source_column(Lead),
        column("power_mw", Kind.DECIMAL, Lead, "power_mw", target="power_mw", optional=True),
        column("lost_to", Kind.TEXT, Lead, "lost_to", target="lost_to", optional=True),
        column(
            "owner",
            Kind.TEXT,
            get_user_model(),
            "username",
            target="owner_id",
            optional=True,
            ref=USER,
        ),
        column("firm_id", Kind.TEXT, Firm, "code", target="firm_id", optional=True, ref=FIRM),
    ),
)

# Every table of a bundle in import order: the reference tables, then leads (whose codes point
# to regions and industries), then the leads' timelines (activities, stage history).
BUNDLE_TABLES: dict[str, Table] = {
    **TABLES,
    LEADS.name: LEADS,
    **{table.name: table for table in TIMELINE_TABLES},
}

# Lead columns whose change makes the lead's stored score stale (score_revision + 1).
LEAD_SCORING_COLUMNS = frozenset(
    {"industry_code", "region_code", "capex", "currency", "jobs", "land_ha", "needs", "input_codes"}
)
