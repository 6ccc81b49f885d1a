"""`manage.py rescore [--all] [--region CODE]`: recompute stored scores now, synchronously."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from projects.models import Lead
from regions.models import Region
from screening.selectors.staleness import stale_lead_ids
from screening.services.scores import rescore_leads


class Command(BaseCommand):
    help = "Recompute stored lead scores synchronously (default: only stale ones)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="rescore every lead")
        parser.add_argument("--region", help="rescore the leads of this region code")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = self.lead_ids(all_leads=options["all"], region_code=options["region"])
        size = settings.SCORE_CHUNK_SIZE
        changed = 0
        with tqdm(total=len(ids), unit="lead", disable=not sys.stderr.isatty()) as bar:
            for start in range(0, len(ids), size):
                chunk = ids[start : start + size]
                changed += rescore_leads(chunk).changed
                bar.update(len(chunk))
        self.stdout.write(f"Rescored {len(ids)} lead(s); {changed} score(s) changed.")

    def lead_ids(self, *, all_leads: bool, region_code: str | None) -> list[int]:
        if region_code:
            region = Region.objects.filter(code=region_code).first()
            if region is None:
                raise CommandError(f"No region with code {region_code!r}.")
            queryset = Lead.objects.filter(region=region)
        elif all_leads:
            queryset = Lead.objects.all()
        else:
            return stale_lead_ids()
        return list(queryset.order_by("pk").values_list("pk", flat=True))
