"""Uploaded bundles kept between the dry run and the confirmation, and their import progress.

Shared by the browser's upload page (projects.views.data_upload) and the API
(screening.api.views_imports): an upload larger than UPLOAD_MAX_BYTES is refused before it is
kept; a kept upload is stored under a random token, removed at once when its dry run finds a
problem (nothing could be confirmed), imported once when confirmed and removed then, or
removed after a day.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

UPLOAD_SUFFIXES = {".zip", ".xlsx", ".csv"}
UPLOAD_MAX_AGE_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def check_upload_size(upload: Any) -> None:
    """Refuse an upload larger than the limit (settings.UPLOAD_MAX_BYTES, env UPLOAD_MAX_MB)."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise _too_large()


def _too_large() -> ValidationError:
    limit = f"{settings.UPLOAD_MAX_BYTES / 1_000_000:g}"
    return ValidationError(
        _("The file is larger than the limit of %(limit)s MB.") % {"limit": limit},
        code="too_large",
    )


def store_upload(upload: Any) -> str:
    """Keep the uploaded file until it is confirmed; returns its token. Old uploads are removed.

    The size is counted while writing too (a stream may not say its size): past the limit the
    partial file is deleted and ValidationError raised."""
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if time.time() - old.stat().st_mtime > UPLOAD_MAX_AGE_SECONDS:
            shutil.rmtree(old) if old.is_dir() else old.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    suffix = Path(upload.name).suffix.lower()
    if suffix == ".csv":
        # One CSV is one table, named by its file name: keep the name, in a folder per token.
        target = folder / token / SAFE_NAME.sub("_", Path(upload.name).name)
        target.parent.mkdir()
    else:
        target = folder / f"{token}{suffix}"
    written = 0
    with target.open("wb") as out:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > settings.UPLOAD_MAX_BYTES:
                break
            out.write(chunk)
    if written > settings.UPLOAD_MAX_BYTES:
        discard_upload(target.parent if suffix == ".csv" else target)
        raise _too_large()
    return token


def stored_upload(token: str) -> Path:
    """The stored file of a token (404 for a malformed, unknown or expired token)."""
    if not TOKEN.match(token):
        raise Http404
    if (upload_dir() / token).is_dir():
        return upload_dir() / token
    for suffix in UPLOAD_SUFFIXES:
        path = upload_dir() / f"{token}{suffix}"
        if path.exists():
            return path
    raise Http404


def discard_upload(path: Path) -> None:
    """Remove a stored upload (a file, or the folder holding one uploaded CSV)."""
    shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def progress_key(token: str) -> str:
    return f"xs-import-progress:{token}"
