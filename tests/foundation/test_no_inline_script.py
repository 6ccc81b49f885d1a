"""No JavaScript in the templates: every script is a static file.

A Content-Security-Policy without 'unsafe-inline' (and without 'unsafe-eval') blocks inline
event handlers (onchange=…), inline <script> blocks, javascript: URLs, htmx's hx-on attributes
and htmx trigger filters ("every 1s [cond]"), which htmx evaluates as code. Behaviour belongs in
static/js/, attached by event listeners.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

FORBIDDEN = {
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "inline <script> block": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "htmx hx-on handler": re.compile(r"\s(?:data-)?hx-on\b", re.IGNORECASE),
    "htmx trigger filter (evaluated code)": re.compile(
        r"hx-trigger\s*=\s*(?:\"[^\"]*\[[^\"]*\"|'[^']*\[[^']*')", re.IGNORECASE
    ),
    "htmx js: values": re.compile(r"hx-(?:vals|vars)\s*=\s*[\"']\s*js:", re.IGNORECASE),
}


def findings(text: str) -> list[str]:
    found = []
    for name, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {name}: {match.group(0)[:80]!r}")
    return found


def test_the_templates_hold_no_javascript() -> None:
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert templates, f"no templates under {TEMPLATES}"
    problems = {
        str(path.relative_to(TEMPLATES)): found
        for path in templates
        if (found := findings(path.read_text(encoding="utf-8")))
    }
    assert not problems, "move these into static/js/:\n" + "\n".join(
        f"{name}: {line}" for name, lines in problems.items() for line in lines
    )


@pytest.mark.parametrize(
    "snippet",
    [
        '<select name="language" onchange="this.form.submit()">',
        '<body onload="start()">',
        "<script>window.x = 1</script>",
        '<script type="module">import "./a.js"</script>',
        '<a href="javascript:void(0)">',
        '<button hx-on:click="go()">',
        '<div hx-trigger="every 1s [document.hidden]">',
        """<div hx-trigger="every 1s [document.getElementById('x').hidden]">""",
        "<div hx-vals='js:{a: 1}'>",
    ],
)
def test_each_kind_of_inline_script_is_caught(snippet: str) -> None:
    assert findings(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/js/app.js" defer></script>',
        '<div hx-trigger="xs-poll" data-poll-while="#import-progress">',
        '<form hx-trigger="change, submit, keyup changed delay:400ms from:#id_q">',
        '<input name="once" value="only">',
        '<p class="hint">onboarding = 1</p>',
    ],
)
def test_static_scripts_and_plain_markup_pass(snippet: str) -> None:
    assert not findings(snippet)
