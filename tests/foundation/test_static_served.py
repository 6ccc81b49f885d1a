"""With DEBUG off the app serves its own CSS and JavaScript (WhiteNoise), as deployed.

Issue 14: under gunicorn with the production settings `/static/js/app.js` answered 404, so the
compose deployment showed pages without CSS, JS or htmx. This runs `make run`'s DEBUG-off mode
(scripts/serve.sh), which does what the image does: `collectstatic`, then gunicorn with DEBUG
off and a real SECRET_KEY, here on a free port.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of compose's web sends


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(tmp: Path) -> dict[str, str]:
    dropped = {"DEBUG", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "a-long-random-production-secret-" + "q8Zt" * 10,
            "ALLOWED_HOSTS": "127.0.0.1",
            "BEHIND_TLS_PROXY": "1",
            "STATIC_ROOT": str(tmp / "staticfiles"),
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        }
    )
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("production")
    port = free_port()
    server = subprocess.Popen(
        ["bash", "scripts/serve.sh", "127.0.0.1", str(port)],
        cwd=ROOT,
        env=production_env(tmp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # gunicorn's workers go with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300  # collectstatic first (compressing every file)
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"serve.sh stopped: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            fetch(base + "/static/js/app.js")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise AssertionError("the server did not answer within 300 s")


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={**HTTPS, **(headers or {})})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_unhashed_names_are_served(site: str) -> None:
    for path in ("/static/js/app.js", "/static/css/app.css"):
        status, _, body = fetch(site + path)
        assert status == 200, path
        assert body


def test_the_login_page_links_hashed_css_and_htmx_that_are_served(site: str) -> None:
    status, _, page = fetch(site + "/accounts/login/")
    assert status == 200
    html = page.decode()
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html)
    htmx = re.search(r'src="(/static/django_htmx/htmx-2\.min\.[0-9a-f]{12}\.js)"', html)
    app = re.search(r'src="(/static/js/app\.[0-9a-f]{12}\.js)"', html)
    assert css and htmx and app, "the page does not link hashed static names"
    for path, kind in ((css[1], "text/css"), (htmx[1], "javascript"), (app[1], "javascript")):
        status, headers, body = fetch(site + path, {"Accept-Encoding": "gzip"})
        assert status == 200, path
        assert kind in headers["Content-Type"], (path, headers["Content-Type"])
        assert headers.get("Content-Encoding") == "gzip", path
        assert "max-age=315360000" in headers.get("Cache-Control", ""), path
        assert body


def test_an_unknown_static_file_is_a_404_not_a_500(site: str) -> None:
    status, _, _ = fetch(site + "/static/js/nothing-here.js")
    assert status == 404
