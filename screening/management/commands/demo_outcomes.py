"""`manage.py demo_outcomes [--seed N] [--leads N]`: generated outcomes and stage history of the
demo's generated leads (called by `loaddemo` after scoring; docs/outcomes.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from projects.demo.generate import DEFAULT_SEED
from screening.services.demo_outcomes import demo_outcomes_apply


class Command(BaseCommand):
    help = "Draw the demo's generated outcomes and stage history (labelled generated)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--leads", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = demo_outcomes_apply(seed=options["seed"], count=options["leads"])
        if not counts["histories"]:
            self.stdout.write("generated outcomes: unchanged")
            return
        self.stdout.write(
            f"generated outcomes: {counts['landed']} landed, {counts['lost']} lost; "
            f"stage history for {counts['histories']} leads"
        )
