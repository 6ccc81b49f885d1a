"""`manage.py import_data PATH [--dry-run]`: import a bundle of reference data and leads."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.interchange.importer import import_bundle
from regions.interchange.progress import terminal_progress


class Command(BaseCommand):
    help = (
        "Import a folder of CSV files, a .zip of them, one .csv or an .xlsx workbook "
        "(docs/data-format.md). All or nothing: on any problem nothing is written and every "
        "problem is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="folder, .zip, .csv or .xlsx")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check everything and report what would change; write nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = terminal_progress()
        with progress or nullcontext():
            report = import_bundle(options["path"], dry_run=options["dry_run"], progress=progress)
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError(f"nothing was written: {report.error_count} problem(s) found")
