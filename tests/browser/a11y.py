"""axe-core (shipped by the axe-playwright-python package) run inside a Playwright tab.

Only the WCAG 2.x A and AA rules run (up to 2.2), the level GB/T 37668-2019 asks for; a finding
is reported with the rule, the elements and axe's own message, so a failing test says what to fix.
"""

from __future__ import annotations

from typing import Any

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(tab: Any) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (after htmx has settled)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
    return list(Axe().run(tab, options=options).response["violations"])


def node_count(violations: list[dict[str, Any]]) -> dict[str, int]:
    """Elements failing each rule: the figure the before/after note counts."""
    return {v["id"]: len(v["nodes"]) for v in violations}


def describe(violations: list[dict[str, Any]], limit: int = 4) -> str:
    """Rule, impact, a few elements and axe's message for each: readable in a failed assert."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}), {len(v['nodes'])} element(s): {v['help']}")
        for node in v["nodes"][:limit]:
            message = (node.get("any") or node.get("all") or node.get("none") or [{}])[0]
            lines.append(f"    {', '.join(map(str, node['target']))}: {message.get('message', '')}")
    return "\n".join(lines)
