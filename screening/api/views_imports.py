"""Import endpoints (admins): upload a bundle with a dry run, confirm it, follow its progress.

The same flow and the same code as the browser's upload page (projects.views.data_upload): the
file is kept under a one-time token (projects.interchange.uploads), `import_bundle` checks
everything (dry run) or writes it all in one transaction, and scores are marked stale and
recomputed as after any import.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files import File
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.interchange import uploads as upload_pages
from projects.interchange.importer import import_bundle
from regions.interchange.report import ImportReport
from screening import access
from screening.api.permissions import AdminOnly
from screening.api.views_reference import ApiViewMixin
from screening.models import ScoreRun


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .zip of CSV files, one .csv or an .xlsx workbook.")
    dry_run = serializers.BooleanField(
        default=True, help_text="Check only (default); confirm later to write."
    )

    def validate_file(self, upload: Any) -> Any:
        if Path(upload.name).suffix.lower() not in upload_pages.UPLOAD_SUFFIXES:
            raise serializers.ValidationError(_("Upload a .zip of CSV files, a .csv or an .xlsx."))
        upload_pages.check_upload_size(upload)
        return upload


class ProblemSerializer(serializers.Serializer):
    file = serializers.CharField()
    row = serializers.IntegerField(allow_null=True, help_text="As a spreadsheet numbers it.")
    column = serializers.CharField(allow_blank=True)
    value = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class TableCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    removed = serializers.IntegerField()


class ImportSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Token of the uploaded file; confirm with it once.")
    state = serializers.ChoiceField(choices=["checked", "invalid", "done", "failed"])
    dry_run = serializers.BooleanField()
    ok = serializers.BooleanField(help_text="False: nothing was (or would be) written.")
    error_count = serializers.IntegerField()
    errors = ProblemSerializer(many=True)  # type: ignore[assignment]  # DRF pops it
    warnings = ProblemSerializer(many=True)
    counts = serializers.DictField(child=TableCountsSerializer())
    score_runs = serializers.ListField(
        child=serializers.IntegerField(), help_text="Recomputations started (see /score-runs/)."
    )


class ImportStatusSerializer(serializers.Serializer):
    id = serializers.CharField()
    total = serializers.IntegerField(help_text="Lead rows in the file.")
    done = serializers.IntegerField(help_text="Steps done: validating, then writing each row.")
    percent = serializers.IntegerField()
    finished = serializers.BooleanField()


def as_bundle(upload: Any) -> Any:
    """A single CSV says which table it holds by its name, but stored uploads are renamed to
    their token; so a CSV is kept inside a .zip under its own name (streamed, not in memory)."""
    name = Path(upload.name).name
    if Path(name).suffix.lower() != ".csv":
        return upload
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the File wrapping it
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as bundle, bundle.open(name, "w") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    spool.seek(0)
    return File(spool, name=f"{Path(name).stem}.zip")


def _import_body(token: str, report: ImportReport, runs: list[int]) -> dict[str, Any]:
    if report.dry_run:
        state = "checked" if report.ok else "invalid"
    else:
        state = "done" if report.ok else "failed"
    return {
        "id": token,
        "state": state,
        "dry_run": report.dry_run,
        "ok": report.ok,
        "error_count": report.error_count,
        "errors": report.errors,
        "warnings": report.warnings,
        "counts": report.counts,
        "score_runs": runs,
    }


def _run_import(token: str, *, dry_run: bool, user: Any) -> dict[str, Any]:
    """Run the import of a stored upload and record its progress where status reads it."""
    path = upload_pages.stored_upload(token)
    key, ttl = upload_pages.progress_key(token), upload_pages.UPLOAD_MAX_AGE_SECONDS
    state = cache.get(key) or {"total": 0, "done": 0}
    started = timezone.now()

    def progress(table: str, phase: str, rows_done: int) -> None:
        offset = state["total"] if phase == "write" else 0
        cache.set(key, state | {"done": offset + rows_done}, ttl)

    report = import_bundle(
        path,
        dry_run=dry_run,
        progress=None if dry_run else progress,
        regions=access.admin_region_codes(user),
        batch=token,  # the audit trail's import batch is the upload's token
    )
    if dry_run and not report.ok:
        upload_pages.discard_upload(path)  # nothing to confirm: the file goes at once
    elif dry_run:
        leads = report.counts.get("leads")
        total = leads.created + leads.updated + leads.unchanged if leads else 0
        cache.set(key, {"total": total, "done": 0}, ttl)
    else:
        upload_pages.discard_upload(path)  # a token is used once
        cache.set(key, state | {"done": 2 * state["total"], "finished": True}, ttl)
    runs = ScoreRun.objects.filter(created_at__gte=started).order_by("created_at")
    return _import_body(token, report, list(runs.values_list("pk", flat=True)))


class ImportListView(ApiViewMixin, APIView):
    """Upload a bundle. With dry_run (the default) it is checked in full and nothing is
    written; confirm it with POST /imports/{id}/confirm/. Problems are listed by file, row
    and column in `errors`."""

    permission_classes = (AdminOnly,)
    parser_classes = (MultiPartParser,)

    @extend_schema(
        summary="Upload a data bundle: dry run (default) or import at once",
        request={"multipart/form-data": UploadSerializer},
        responses={201: ImportSerializer},
    )
    def post(self, request: Request) -> Response:
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        with as_bundle(upload.validated_data["file"]) as bundle:
            try:
                token = upload_pages.store_upload(bundle)
            except DjangoValidationError as exc:  # larger than it said
                raise serializers.ValidationError({"file": exc.messages}) from exc
        body = _run_import(token, dry_run=upload.validated_data["dry_run"], user=request.user)
        return Response(ImportSerializer(body).data, status=status.HTTP_201_CREATED)


class ImportConfirmView(ApiViewMixin, APIView):
    """Write a checked upload (all or nothing); the token cannot be used again."""

    permission_classes = (AdminOnly,)

    @extend_schema(
        summary="Import a checked upload for real", request=None, responses=ImportSerializer
    )
    def post(self, request: Request, token: str) -> Response:
        return Response(ImportSerializer(_run_import(token, dry_run=False, user=request.user)).data)


class ImportStatusView(ApiViewMixin, APIView):
    """How far the import of an upload has got (poll while the confirm request runs)."""

    permission_classes = (AdminOnly,)

    @extend_schema(summary="Progress of an upload's import", responses=ImportStatusSerializer)
    def get(self, request: Request, token: str) -> Response:
        state = cache.get(upload_pages.progress_key(token))
        if state is None:
            raise Http404
        steps = 2 * state["total"]
        finished = bool(state.get("finished"))
        percent = 100 if finished else (round(100 * state["done"] / steps) if steps else 0)
        body = {
            "id": token,
            "total": state["total"],
            "done": state["done"],
            "percent": min(percent, 100),
            "finished": finished,
        }
        return Response(ImportStatusSerializer(body).data)
