"""Names of reference data (regions, industries, clusters) in the active language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def is_english() -> bool:
    return (get_language() or "").startswith("en")


def local_name(obj: Any) -> str:
    """A region's, industry's or cluster's name in the active language (Chinese if no English)."""
    if obj is None:
        return ""
    if isinstance(obj, dict):  # an item of a stored explanation: name_zh / name_en
        return str(
            obj.get("name_en") if is_english() and obj.get("name_en") else obj.get("name_zh", "")
        )
    name_en = getattr(obj, "name_en", "")
    return str(name_en if is_english() and name_en else obj.name)


def snapshot_name(stored: str, current: Any) -> str:
    """A name kept in a snapshot (in the saver's language), shown in the active language while
    `current` (the object it was taken from) still bears that name in either language; a
    renamed, moved or deleted object keeps the name as saved."""
    if current is not None and stored and stored in {current.name, getattr(current, "name_en", "")}:
        return local_name(current)
    return stored
