"""Installs come from the lock files: every dependency pyproject names is pinned there."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    """PEP 503 normalised project name of a requirement string."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _pinned(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {
        re.sub(r"[-_.]+", "-", m.group(1)).lower(): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)", text, re.M)
    }


def _declared() -> tuple[list[str], list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["dependencies"], project["optional-dependencies"]["dev"]


def test_it_pins_every_runtime_dependency_with_hashes():
    runtime, _ = _declared()
    pinned = _pinned("requirements.txt")
    missing = [r for r in runtime if _name(r) not in pinned]
    assert not missing, f"run `make lock`: requirements.txt lacks {missing}"
    assert "--hash=sha256:" in (ROOT / "requirements.txt").read_text()


def test_it_pins_every_dev_dependency_with_the_same_runtime_versions():
    runtime, dev = _declared()
    pinned, pinned_dev = _pinned("requirements.txt"), _pinned("requirements-dev.txt")
    missing = [r for r in runtime + dev if _name(r) not in pinned_dev]
    assert not missing, f"run `make lock`: requirements-dev.txt lacks {missing}"
    differ = {n: (v, pinned_dev.get(n)) for n, v in pinned.items() if pinned_dev.get(n) != v}
    assert not differ, f"run `make lock`: the two locks disagree on {differ}"
