"""OpenAPI schema generation: every operation documents the shared error body.

Error statuses are part of the contract (a client, and the schemathesis run in CI, checks
every response against the schema), so each operation lists the errors it can return.
"""

from __future__ import annotations

import inspect
from typing import Any

from drf_spectacular.openapi import AutoSchema

from screening.api.serializers import ErrorSerializer

ERRORS_ALWAYS = {
    "400": "Invalid input or query parameters; `fields` names each offending field.",
    "401": "Not signed in, or the token was revoked.",
    "403": "Signed in, but this role may not do this.",
    "404": "No such object, or not one this user may see.",
}
ERRORS_ON_WRITE = {"409": "Conflicts with existing data (e.g. still referenced)."}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ApiSchema(AutoSchema):
    def get_description(self) -> str:  # type: ignore[override]
        """The action's docstring, else the view class's own (not one inherited from a mixin)."""
        action = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        own = type(self.view).__dict__.get("__doc__")
        return inspect.cleandoc(getattr(action, "__doc__", None) or own or "")

    def get_tags(self) -> list[str]:
        """Group operations by resource: /api/v1/leads/{id}/stage/ -> "leads"."""
        parts = [p for p in self.path.split("/") if p and not p.startswith("{")]
        return [parts[2] if len(parts) > 2 else parts[-1]]

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        errors = dict(ERRORS_ALWAYS)
        if self.method in WRITE_METHODS:
            errors |= ERRORS_ON_WRITE
        errors |= getattr(self.view, "extra_error_statuses", {})
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses
