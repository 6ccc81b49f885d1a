"""The lead list endpoint over 1,000,000 leads, 20 concurrent clients, gunicorn on loopback.

    DEBUG=1 .venv/bin/python bench/bench_api.py [--leads 1000000] [--clients 20]
        [--seconds 15] [--worker-class sync|gthread] [--workers N] [--threads 4]
        [--prepare-threshold 5|none] [--only leads,pages,region,officer] [--setup]

Needs PostgreSQL (127.0.0.1, user postgres). Uses its own database `xs_bench_api`: a copy of
bench_shortlist's database when that one holds the same number of scored leads, otherwise
built the same way (bench/synth.py world, N leads, scores computed in bulk by the engine).

Starts gunicorn (by default the recommended production setup: cores + 1 sync workers,
DEBUG off, persistent database connections, `?prepare_threshold=5` in DATABASE_URL) on a free
loopback port, then runs each scenario with --clients concurrent keep-alive clients (sync
workers close the connection after each answer; the client then reconnects), each sending
its next request as soon as the previous answer is in (closed loop, no think time):

- `trivial`: GET /api/v1/me/ (token auth, roles; the reference for throughput);
- `leads`: GET /api/v1/leads/ as a manager, first page (50 leads with score summaries);
- `pages`: the same, each client following `next` cursors 20 pages deep, then again;
- `region`: GET /api/v1/leads/?region=… as a manager;
- `officer`: GET /api/v1/leads/ as an officer (scoped to their city and its counties).

Prints p50 / p95 / p99 latency and throughput per scenario, and the SQL one lead-list
request runs. Targets: every lead-list scenario p95 <= 100 ms and throughput >= half of
`trivial`; exits 1 if one is missed. Client and server share the machine's cores, and other
work on the machine moves the figures; the load average is printed first and last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.synth import create_bench_database  # noqa: E402

DB_NAME = "xs_bench_api"
TEMPLATE_DB = "xs_bench_shortlist"
P95_TARGET_MS = 100.0
THROUGHPUT_SHARE = 0.5
PAGES_DEEP = 20


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def percentile(self, q: float) -> float:
        ms = sorted(1000 * t for t in self.latencies)
        return ms[min(len(ms) - 1, round(q * (len(ms) - 1)))] if ms else float("nan")

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        median = statistics.median(self.latencies) * 1000 if self.latencies else float("nan")
        return (
            f"{self.name:<8} p50 {median:6.1f} ms  p95 {self.percentile(0.95):6.1f} ms  "
            f"p99 {self.percentile(0.99):6.1f} ms  {self.throughput:7.1f} req/s  "
            f"({len(self.latencies)} requests, {self.errors} errors)"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4, help="gthread workers only")
    parser.add_argument(
        "--prepare-threshold",
        default="5",
        help="psycopg prepare_threshold for the server's connections ('none': no prepared "
        "statements, Django's default)",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated lead-list scenarios (trivial always runs)"
    )
    parser.add_argument("--setup", action="store_true", help="rebuild the database")
    args = parser.parse_args()
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"{base}/{DB_NAME}"
    prepare_database(args.leads, rebuild=args.setup)
    import django

    django.setup()
    tokens, region_id = personas()
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"{args.leads:,} leads; {args.clients} clients; gunicorn {args.workers} "
        f"{args.worker_class} workers"
        f"{f' x {args.threads} threads' if args.worker_class == 'gthread' else ''}"
    )
    print_queries(tokens["manager"])
    port = free_port()
    server = start_gunicorn(
        port, args.workers, args.threads, args.worker_class, args.prepare_threshold
    )
    try:
        wait_until_up(port, tokens["manager"])
        only = {name.strip() for name in args.only.split(",") if name.strip()}
        results = run_scenarios(port, tokens, region_id, args.clients, args.seconds, only)
    finally:
        stop(server)
    one, five, _ = os.getloadavg()
    print(f"load average at the end: {one:.1f} (1 min), {five:.1f} (5 min)")
    return verdict(results)


# --- Database and personas ------------------------------------------------------------------


def scored_leads(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM screening_leadscore").fetchone()
    except psycopg.Error:
        return -1
    return int(row[0]) if row else -1


def prepare_database(n_leads: int, *, rebuild: bool) -> None:
    """Reuse xs_bench_api, else copy bench_shortlist's database, else build one."""
    url = os.environ["DATABASE_URL"]
    base = url.rsplit("/", 1)[0]
    if not rebuild and scored_leads(url) == n_leads:
        migrate()
        return
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", DB_NAME], check=True)
    if scored_leads(f"{base}/{TEMPLATE_DB}") == n_leads:
        copied = subprocess.run(["createdb", *pg, "-T", TEMPLATE_DB, DB_NAME], check=False)
        if copied.returncode == 0:
            migrate()
            return
    create_bench_database(DB_NAME)
    from bench.bench_shortlist import _setup

    _setup(n_leads)


def migrate() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        check=True,
    )


def personas() -> tuple[dict[str, str], int]:
    """Tokens of a manager and of an officer of the city with the most leads."""
    from django.contrib.auth.models import Group, User
    from django.db.models import Count

    from projects.models import Lead
    from regions.models import OfficerRegion
    from screening.api.tokens import issue_token

    busiest = (
        Lead.objects.values("region_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("region_id", flat=True)[:1]
    )
    region_id = int(busiest[0])
    tokens = {}
    for role in ("manager", "officer"):
        user, _ = User.objects.get_or_create(username=f"bench-api-{role}")
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        tokens[role] = issue_token(user)[0]
    officer = User.objects.get(username="bench-api-officer")
    OfficerRegion.objects.get_or_create(user=officer, region_id=region_id)
    return tokens, region_id


def print_queries(token: str) -> None:
    """The SQL of one first-page request, as the server will run it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/leads/", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.content[:300]
    print(
        f"one lead-list request: {len(queries)} queries, COUNT(*): "
        f"{any('COUNT(' in q['sql'].upper() for q in queries.captured_queries)}"
    )
    for q in queries.captured_queries:
        print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:150]}")


# --- Server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(
    port: int, workers: int, threads: int, worker_class: str, prepare_threshold: str
) -> subprocess.Popen[bytes]:
    url = os.environ["DATABASE_URL"]
    if prepare_threshold.lower() != "none":
        url += f"?prepare_threshold={int(prepare_threshold)}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        # The benchmark measures the endpoint, not the rate limiter: 20 clients on two tokens
        # would pass the per-user limit within seconds and measure 429s.
        "API_THROTTLE_USER": "off",
        "API_THROTTLE_ANON": "off",
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "screening.config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    if worker_class == "gthread":  # gunicorn turns sync workers given threads into gthread
        command += ["--threads", str(threads)]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def wait_until_up(port: int, token: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/me/", headers={"Authorization": f"Token {token}"}
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# --- Load -----------------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closes it."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                return await self._get(path)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.reader = self.writer = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {self.token}\r\n"
            f"Accept: application/json\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.writer.close()
            self.reader = self.writer = None
        return status, body


async def client_loop(
    conn: Connection, paths: list[str], follow: bool, until: float, result: Result
) -> None:
    """Send requests back to back until `until`; with `follow`, walk the `next` cursors."""
    path, depth = paths[0], 0
    while time.monotonic() < until:
        start = time.perf_counter()
        status, body = await conn.get(path)
        elapsed = time.perf_counter() - start
        if status != 200:
            result.errors += 1
        result.latencies.append(elapsed)
        path, depth = next_path(paths[0], body, depth) if follow else (path, 0)


# The page's "next" link, which DRF's cursor pagination writes first: the client reads only
# that, as decoding the whole 35 KB page would cost it ~0.6 ms of the CPU the server shares.
NEXT_LINK = re.compile(rb'\{"next":(null|"[^"\\]*")')


def next_link(body: bytes) -> str | None:
    found = NEXT_LINK.match(body)
    if found is None:
        link: str | None = json.loads(body).get("next") if body else None
        return link
    value: str | None = json.loads(found.group(1))
    return value


def next_path(first: str, body: bytes, depth: int) -> tuple[str, int]:
    link = next_link(body)
    if not link or depth + 1 >= PAGES_DEEP:
        return first, 0
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}", depth + 1


async def scenario(
    name: str,
    port: int,
    token: str,
    path: str,
    clients: int,
    seconds: float,
    *,
    follow: bool = False,
) -> Result:
    connections = [Connection(port, token) for _ in range(clients)]
    warmup = Result("warmup")
    until = time.monotonic() + 2.0
    await asyncio.gather(*(client_loop(c, [path], follow, until, warmup) for c in connections))
    result = Result(name)
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(client_loop(c, [path], follow, until, result) for c in connections))
    result.seconds = time.monotonic() - started
    for conn in connections:
        if conn.writer is not None:
            conn.writer.close()
    return result


def run_scenarios(
    port: int,
    tokens: dict[str, str],
    region_id: int,
    clients: int,
    seconds: float,
    only: set[str] | None = None,
) -> list[Result]:
    plan = [
        ("trivial", tokens["manager"], "/api/v1/me/", False),
        ("leads", tokens["manager"], "/api/v1/leads/", False),
        ("pages", tokens["manager"], "/api/v1/leads/", True),
        ("region", tokens["manager"], f"/api/v1/leads/?region={region_id}", False),
        ("officer", tokens["officer"], "/api/v1/leads/", False),
    ]
    results = []
    for name, token, path, follow in plan:
        if only and name != "trivial" and name not in only:
            continue
        result = asyncio.run(scenario(name, port, token, path, clients, seconds, follow=follow))
        print(result.line(), flush=True)
        results.append(result)
    return results


def verdict(results: list[Result]) -> int:
    trivial = results[0].throughput
    ok = True
    for result in results[1:]:
        fast = result.percentile(0.95) <= P95_TARGET_MS
        enough = result.throughput >= THROUGHPUT_SHARE * trivial
        clean = result.errors == 0
        ok &= fast and enough and clean
        print(
            f"{result.name:<8} p95 <= {P95_TARGET_MS:.0f} ms: {'ok' if fast else 'MISSED'}; "
            f"throughput {result.throughput / trivial:.0%} of trivial "
            f"(>= {THROUGHPUT_SHARE:.0%}): {'ok' if enough else 'MISSED'}"
            f"{'' if clean else f'; {result.errors} errors'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
