"""Count import statements between the apps and their subpackages (for the README's layers).

Usage: python scripts/import_graph.py [REPO]. Every `import` / `from … import` of one of the
apps counts once, function-level ones included; migrations are left out. A module directly in
an app is counted under `app.(root)`.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

APPS = ("screening", "regions", "projects", "shortlists")


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(root: Path, path: Path) -> Iterator[str]:
    """The modules a file imports, relative imports resolved."""
    package = module_name(root, path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                yield ".".join([*base, *([node.module] if node.module else [])])
            else:
                yield node.module or ""


def group(root: Path, module: str, depth: int) -> str:
    parts = module.split(".")
    if depth == 1:
        return parts[0]
    if len(parts) >= 2 and (root / parts[0] / parts[1]).is_dir():
        return ".".join(parts[:2])
    return f"{parts[0]}.(root)"


def count(root: Path, depth: int) -> Counter[tuple[str, str]]:
    pairs: Counter[tuple[str, str]] = Counter()
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = group(root, module_name(root, path), depth)
            for target in imported(root, path):
                if target.split(".")[0] in APPS:
                    other = group(root, target, depth)
                    if other != source:
                        pairs[(source, other)] += 1
    return pairs


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    for depth, title in ((1, "apps"), (2, "subpackages")):
        print(f"Imports between {title} (importer -> imported: import statements)")
        for (source, target), n in sorted(count(root, depth).items()):
            print(f"  {source:24s} -> {target:24s} {n:4d}")


if __name__ == "__main__":
    main()
