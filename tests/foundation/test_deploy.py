"""The compose file is valid and runs exactly the commands the README documents."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose_services() -> dict[str, dict[str, object]]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services: dict[str, dict[str, object]] = data["services"]
    return services


def test_it_has_the_services_of_a_real_deployment() -> None:
    services = compose_services()
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ["postgres", "redis", "web", "worker"]:
        assert "healthcheck" in services[name], name


def test_the_services_run_the_commands_the_readme_documents() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ["web", "worker", "beat", "migrate"]:
        command = " ".join(services_command(name))
        assert f"| {name} | `{command}` |" in readme, f"README does not document {name}: {command}"


def services_command(name: str) -> list[str]:
    command = compose_services()[name]["command"]
    assert isinstance(command, list)
    return [str(part) for part in command]


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose is not installed here"
)
def test_docker_compose_accepts_the_file() -> None:
    env = {**os.environ, "SECRET_KEY": "x" * 50, "POSTGRES_PASSWORD": "example"}
    result = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
