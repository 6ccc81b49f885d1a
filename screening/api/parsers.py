"""The API's JSON parser: DRF's, with a size limit and a nesting limit.

DRF reads a JSON body from the request stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE
(which guards only `request.body` and form data), so the limit is applied here while reading.
Python's json module recurses once per nesting level: a body nested 10,000 deep raised
RecursionError (a 500). No input of this API nests more than a few levels (a cluster with its
members is three), so anything deeper than MAX_JSON_DEPTH is refused as malformed.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

from screening.api.errors import PayloadTooLarge

MAX_JSON_DEPTH = 32


class LimitedJSONParser(parsers.JSONParser):
    """JSON bodies of at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes and MAX_JSON_DEPTH levels."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise PayloadTooLarge(
                _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
            )
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        if nesting_depth(data) > MAX_JSON_DEPTH:
            raise _too_deep()
        return data


def _too_deep() -> exceptions.ParseError:
    return exceptions.ParseError(
        _("JSON parse error - nested deeper than %(depth)d levels.") % {"depth": MAX_JSON_DEPTH}
    )


def nesting_depth(value: Any) -> int:
    """Levels of arrays and objects in parsed JSON (a scalar is 0), without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_JSON_DEPTH:  # enough to refuse; no need to walk the rest
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest
