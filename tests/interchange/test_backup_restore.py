"""An export is a backup (issue 14, finding 4): `export_data` of the whole demo, with owners,
power needs, lost-to, activities, stage history and cluster descriptions, targets and target
links → an empty database → `import_data` gives back the same rows, and the same files."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Model
from django.test import override_settings

from projects import services
from projects.interchange.lead_format import BUNDLE_TABLES
from projects.models import STAGE_ORDER, Lead, LeadActivity, StageChange
from regions.models import Cluster, ClusterTargetLink, Firm, Industry, Region
from regions.services import ClusterDraft, cluster_save
from tests.interchange.bundles import MODELS, empty_database

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
SEED = 14


def load_demo() -> None:
    with override_settings(DEBUG=True):
        call_command("loaddemo", stdout=io.StringIO())


def add_generated_timelines() -> None:
    """Generated (seeded) work on the demo, as officers would leave it: owners, power needs,
    notes, stage moves, lost leads, and the clusters' descriptions, targets and links."""
    rng = random.Random(SEED)
    users = list(User.objects.order_by("username"))
    leads = list(Lead.objects.order_by("external_id"))
    for lead in rng.sample(leads, 60):
        user = rng.choice(users)
        services.lead_assign_owner(lead=lead, user=user, owner=user)
        services.lead_update(lead=lead, user=user, power_mw=Decimal(rng.randint(1, 900)) / 4)
        for _ in range(rng.randint(1, 3)):
            services.lead_add_activity(
                lead=lead,
                user=rng.choice([user, None]),
                kind=rng.choice(["note", "visit", "call"]),
                text=f"生成的跟进记录 / generated note {rng.randint(1, 10**6)}\n第二行",
                happened_on=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300)),
            )
        target = STAGE_ORDER.index(lead.stage) + 1
        if target < len(STAGE_ORDER) and not services.missing_for_stage(lead, STAGE_ORDER[target]):
            services.lead_move_stage(lead=lead, user=user, to_stage=STAGE_ORDER[target])
        if rng.random() < 0.2:
            services.lead_set_status(
                lead=lead, user=user, status="lost", reason="选址他处", lost_to="江苏常州"
            )
    for cluster in Cluster.objects.order_by("pk")[:5]:
        members = set(cluster.members.values_list("industry_id", flat=True))
        outside = Industry.objects.exclude(pk__in=members).order_by("code")[:2]
        cluster_save(
            cluster,
            ClusterDraft(
                fields={
                    "description": f"{cluster.name}：生成的简介\n第二段",
                    "target_capex": Decimal("150000.5"),
                    "target_projects": rng.randint(1, 30),
                },
                target_links=tuple(industry.pk for industry in outside),
            ),
        )


def natural_keys() -> dict[type[Model], dict[int, Any]]:
    """id → business key of every model a row may point to."""
    return {
        Region: dict(Region.objects.values_list("id", "code")),
        Industry: dict(Industry.objects.values_list("id", "code")),
        Firm: dict(Firm.objects.values_list("id", "code")),
        Lead: dict(Lead.objects.values_list("id", "external_id")),
        User: dict(User.objects.values_list("id", "username")),
        Cluster: {
            pk: (region, code)
            for pk, region, code in Cluster.objects.values_list("id", "region__code", "code")
        },
    }


def rows_of(model: type[Model], keys: dict[type[Model], dict[int, Any]]) -> list[tuple[Any, ...]]:
    """Every editable field of every row (and LeadActivity.created_at), references by business
    key, sorted: what a restore must give back, whatever the ids."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and (f.editable or (model is LeadActivity and f.name == "created_at"))
    ]
    rows = []
    for values in model._default_manager.values_list(*[f.attname for f in fields]):
        row = []
        for f, value in zip(fields, values, strict=True):
            target = f.related_model
            row.append(keys[target][value] if target is not None and value is not None else value)
        rows.append(tuple(repr(v) for v in row))
    return sorted(rows)


def snapshot() -> dict[str, Any]:
    keys = natural_keys()
    tables = {
        model.__name__: rows_of(model, keys)
        for model in [*MODELS, LeadActivity, StageChange, ClusterTargetLink]
    }
    inputs = Lead.input_industries.through.objects.values_list("lead_id", "industry_id")
    tables["lead inputs"] = sorted((keys[Lead][a], keys[Industry][b]) for a, b in inputs)
    return tables


def test_export_then_import_into_an_empty_database_restores_everything(tmp_path: Path) -> None:
    load_demo()
    add_generated_timelines()
    assert LeadActivity.objects.count() > 60 and StageChange.objects.count() > 20
    assert Lead.objects.exclude(owner=None).exists() and Lead.objects.exclude(lost_to="").exists()
    before = snapshot()

    first = tmp_path / "backup"
    call_command("export_data", str(first), stdout=io.StringIO())
    empty_database()
    assert Lead.objects.count() == 0 and LeadActivity.objects.count() == 0
    call_command("import_data", str(first), stdout=io.StringIO())
    second = tmp_path / "again"
    call_command("export_data", str(second), stdout=io.StringIO())

    after = snapshot()
    for name in before:
        assert after[name] == before[name], name
    for table in BUNDLE_TABLES.values():
        assert (first / table.filename).read_bytes() == (second / table.filename).read_bytes()


def test_a_second_import_of_the_backup_changes_nothing(tmp_path: Path) -> None:
    load_demo()
    add_generated_timelines()
    backup = tmp_path / "backup.xlsx"
    call_command("export_data", str(backup), stdout=io.StringIO())
    before = snapshot()

    out = io.StringIO()
    call_command("import_data", str(backup), stdout=out)

    assert snapshot() == before
    assert out.getvalue().splitlines()[-1] == "unchanged"
