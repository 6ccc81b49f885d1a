"""`manage.py export_data PATH`: write every table as CSV files (a folder) or one .xlsx."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.interchange.export import ExportError, export_bundle


class Command(BaseCommand):
    help = (
        "Export all reference data and leads in the import format: PATH is a folder (one CSV "
        "per table) or a file ending in .xlsx (one sheet per table)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="folder, or a file name ending in .xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = export_bundle(options["path"])
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        for table, rows in written.items():
            self.stdout.write(f"{table:<20}{rows:>10} rows")
        self.stdout.write(f"Exported to {options['path']}")
