"""Uploaded bundles kept between the dry run and the confirmation, and their import progress.

Shared by the browser's upload page (projects.views.data_upload) and the API
(screening.api.views_imports): an upload is stored under a random token, imported once when
confirmed, and removed then or after a day.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404

UPLOAD_SUFFIXES = {".zip", ".xlsx", ".csv"}
UPLOAD_MAX_AGE_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def store_upload(upload: Any) -> str:
    """Keep the uploaded file until it is confirmed; returns its token. Old uploads are removed."""
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
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
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
