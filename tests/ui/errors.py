"""An error shown beside its field is tied to it: the field is marked invalid and its
aria-describedby names the error element, which exists (WCAG 3.3.1, 1.3.1). A group of boxes
is tied through its fieldset."""

from __future__ import annotations

import re


def assert_error_tied(body: str, field_id: str) -> None:
    error = f"{field_id}_error"
    name, ref = re.escape(field_id), re.escape(error)
    field = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="{name}"[^>]*>', body)
    group = re.search(rf'<fieldset\b[^>]*\baria-describedby="[^"]*\b{ref}\b[^>]*>', body)
    tag = field or group
    assert tag, f"no field or fieldset for {field_id}"
    refs = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    assert group or 'aria-invalid="true"' in tag.group(0), tag.group(0)
    assert refs and error in refs.group(1).split(), tag.group(0)
    for ref in refs.group(1).split():
        assert f'id="{ref}"' in body, f"aria-describedby names {ref}, which is not on the page"
