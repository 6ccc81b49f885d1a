"""`manage.py verify_scores`: recompute every score from scratch and compare with the store."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from projects.models import Lead
from screening.selectors.batches import read_lead_rows
from screening.selectors.staleness import stale_leads
from screening.services.score_store import COMPARE_DECIMALS, SCORE_FIELDS, stored_scores
from screening.services.scores import compute_rows
from screening.world import current_version, load_world


class Command(BaseCommand):
    help = "Recompute all scores from scratch and list every stored score that differs."

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = load_world(current_version())  # built afresh, not from any cache
        ids = list(Lead.objects.order_by("pk").values_list("pk", flat=True))
        problems: list[str] = []
        for start in range(0, len(ids), settings.SCORE_CHUNK_SIZE):
            chunk = ids[start : start + settings.SCORE_CHUNK_SIZE]
            problems += self.compare_chunk(chunk, loaded)
        stale = stale_leads().count()
        if stale:
            problems.append(f"{stale} lead(s) have a stale or missing score")
        if problems:
            for line in problems[:200]:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} mismatch(es) between stored and fresh scores.")
        self.stdout.write(f"All {len(ids)} stored scores match a fresh computation.")

    def compare_chunk(self, chunk: list[int], loaded: Any) -> list[str]:
        fresh = compute_rows(read_lead_rows(chunk, loaded), loaded).frame().set_index("lead_id")
        stored = stored_scores(chunk).reindex(fresh.index)
        problems = []
        for field in SCORE_FIELDS:
            a = np.round(fresh[field].to_numpy(dtype=float), COMPARE_DECIMALS)
            b = np.round(stored[field].to_numpy(dtype=float), COMPARE_DECIMALS)
            for lead_id in fresh.index[a != b]:
                problems.append(
                    f"lead {lead_id}: {field} stored {stored.at[lead_id, field]!s} "
                    f"!= fresh {fresh.at[lead_id, field]!s}"
                )
        return problems
