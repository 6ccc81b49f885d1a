"""Settings read from the environment: a missing secret fails clearly; no Redis means eager."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "REDIS_URL"}}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "screening.config.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = run_settings({"DEBUG": "0"}, "import django; django.setup()")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_uses_a_development_key_when_debug_is_on() -> None:
    result = run_settings(
        {"DEBUG": "1"}, "from django.conf import settings; print(settings.SECRET_KEY[:15])"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django-insecure"


def test_it_runs_tasks_eagerly_without_redis() -> None:
    code = (
        "import django; django.setup();"
        "from screening.config.celery import app;"
        "print(app.conf.task_always_eager, app.conf.broker_url)"
    )
    result = run_settings({"DEBUG": "1"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "memory://"]


def test_it_uses_redis_as_broker_when_redis_url_is_set() -> None:
    code = (
        "import django; django.setup();"
        "from screening.config.celery import app;"
        "print(app.conf.task_always_eager, app.conf.broker_url)"
    )
    result = run_settings({"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/15"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "redis://127.0.0.1:6379/15"]


def test_it_passes_the_deploy_checks_under_production_settings() -> None:
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-" + "x7Gq" * 10,
        "ALLOWED_HOSTS": "xuanshang.example.org",
    }
    dropped = {"DEBUG", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_passes_the_deploy_checks_with_redis_as_the_shared_store() -> None:
    """With REDIS_URL the login lockout counts in the cache (Redis); axes' own check agrees."""
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-" + "x7Gq" * 10,
        "ALLOWED_HOSTS": "xuanshang.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    dropped = {"DEBUG", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set it
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    code = "from django.conf import settings; print(settings.AXES_HANDLER)"
    handler = run_settings(env, "import django; django.setup(); " + code)
    assert handler.returncode == 0, handler.stderr
    assert handler.stdout.split()[-1:] == ["axes.handlers.cache.AxesCacheHandler"], handler.stdout
