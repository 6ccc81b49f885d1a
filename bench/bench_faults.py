"""Faults under load: 20 clients edit and read leads while the worker and Redis die once each.

    DEBUG=1 .venv/bin/python bench/bench_faults.py [--seconds 60] [--clients 20]
        [--database xs_bench_faults] [--redis-port 6391] [--sweep-seconds 60]
        [--fresh-timeout 900] [--workers N]

Needs PostgreSQL on 127.0.0.1 (user postgres; BENCH_PG overrides the server part of the URL)
and the `redis-server` program. It never touches another Redis: it starts its own
redis-server on --redis-port (no persistence: `--save "" --appendonly no`, so a restart
loses every queued message, the harshest case) and restarts only that one.

1. Builds its database afresh (--database, dropped first): migrate, `loaddemo` (2,000
   generated leads with scores), one officer per client (bench-faults-NN, assigned to the
   province) who gets an API token from POST /api/v1/auth/token/.
2. Starts gunicorn (cores + 1 sync workers, DEBUG off), a Celery worker (concurrency 2) and
   beat (the stale-score sweep every --sweep-seconds), all on that Redis.
3. Runs the clients for --seconds. Each owns 5 leads no other client touches and loops with a
   short think time: read the lead list, a lead, its score; edit a lead (PATCH jobs, a scoring
   input, and products) or add a note (POST activities). Meanwhile, at fixed points of the
   run: the worker's whole process group is SIGKILLed (at 25 %) and started again 5 s later;
   Redis is SIGKILLed (at 55 %) and started again 5 s later.
4. Each client then reads back its own leads and notes: a lost edit is an acknowledged write
   (2xx) whose value is not what the server now holds (a later acknowledged write of the same
   client excepted), or an acknowledged note that is missing.
5. Waits until the queue is empty and no score is stale (the sweep re-enqueues what the dead
   worker and the lost Redis messages left stale), reporting how long that took, then runs
   `manage.py verify_scores` (every stored score equals a fresh computation).

Prints requests, 5xx, other errors, lost edits, p50/p95 of reads and writes, the time until
scores were fresh, and the load average. Exits 1 on any 5xx, lost edit, scores not fresh in
--fresh-timeout seconds, or a verify_scores failure.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
LEADS_PER_CLIENT = 5
PASSWORD = "bench-faults-password-not-a-secret"  # noqa: S105 - a throwaway local bench user
DOWNTIME_SECONDS = 5.0
REQUEST_TIMEOUT = 60.0
CELERY = (str(ROOT / ".venv/bin/celery"), "-A", "screening")


# --- Processes ------------------------------------------------------------------------------


@dataclass
class Services:
    """The processes this bench started (and only those are ever signalled)."""

    folder: Path
    env: dict[str, str]
    redis_port: int
    web_port: int
    workers: int
    redis: subprocess.Popen[bytes] | None = None
    web: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    beat: subprocess.Popen[bytes] | None = None
    events: list[tuple[float, str]] = field(default_factory=list)

    def log(self, name: str) -> Any:
        return (self.folder / f"{name}.log").open("ab")

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=self.log("redis"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.redis_port)

    def start_web(self) -> None:
        command = [
            str(ROOT / ".venv/bin/gunicorn"),
            "screening.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.web_port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        self.web = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log("web"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(self.web_port)

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [*CELERY, "worker", "--loglevel=WARNING", "--concurrency=2", "--without-mingle"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log("worker"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_beat(self) -> None:
        self.beat = subprocess.Popen(
            [*CELERY, "beat", "--loglevel=WARNING", "--schedule", str(self.folder / "schedule")],
            cwd=ROOT,
            env=self.env,
            stdout=self.log("beat"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def note(self, started: float, what: str) -> None:
        self.events.append((time.monotonic() - started, what))
        print(f"  t={time.monotonic() - started:5.1f} s  {what}", flush=True)

    def stop_all(self) -> None:
        for process in (self.beat, self.worker, self.web, self.redis):
            if process is not None and process.poll() is None:
                kill_group(process, signal.SIGTERM)
        for process in (self.beat, self.worker, self.web, self.redis):
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    kill_group(process, signal.SIGKILL)
                    process.wait(timeout=10)


def kill_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Signal the process group of a process this bench started (its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def faults(services: Services, started: float, seconds: float, stop: threading.Event) -> None:
    """Kill the worker (whole group, SIGKILL) and restart it; then the same for Redis."""
    plan = [
        (0.25 * seconds, "worker"),
        (0.55 * seconds, "redis"),
    ]
    for at, what in plan:
        if stop.wait(max(0.0, started + at - time.monotonic())):
            return
        process = services.worker if what == "worker" else services.redis
        assert process is not None
        kill_group(process, signal.SIGKILL)
        process.wait(timeout=30)
        services.note(started, f"{what} killed (SIGKILL)")
        time.sleep(DOWNTIME_SECONDS)
        if what == "worker":
            services.start_worker()
        else:
            services.start_redis()
        services.note(started, f"{what} started again")


# --- Database and personas ------------------------------------------------------------------


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=check,
        capture_output=True,
        text=True,
    )


def build_database(name: str, env: dict[str, str]) -> None:
    pg = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", name], check=True)
    subprocess.run(["createdb", *pg, name], check=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "loaddemo")


def make_officers(clients: int) -> dict[str, list[int]]:
    """One officer per client, assigned to the province; each owns LEADS_PER_CLIENT leads."""
    from django.contrib.auth.models import Group, User

    from projects.models import Lead, Status
    from regions.models import OfficerRegion, Region

    province = Region.objects.filter(parent__isnull=True).order_by("pk").first()
    assert province is not None, "loaddemo made no region"
    group = Group.objects.get_or_create(name="officer")[0]
    leads = list(
        Lead.objects.filter(status=Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)[: clients * LEADS_PER_CLIENT]
    )
    assert len(leads) == clients * LEADS_PER_CLIENT, "not enough leads for the clients"
    owned = {}
    for n in range(clients):
        user, _ = User.objects.get_or_create(username=f"bench-faults-{n + 1:02d}")
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(group)
        OfficerRegion.objects.get_or_create(user=user, region=province)
        owned[user.username] = leads[n * LEADS_PER_CLIENT : (n + 1) * LEADS_PER_CLIENT]
    return owned


def api_token(port: int, username: str) -> str:
    """A token through the public endpoint (waits when the endpoint's throttle says so)."""
    body = json.dumps({"username": username, "password": PASSWORD})
    for _ in range(20):
        status, headers, answer = request(
            port, "POST", "/api/v1/auth/token/", None, body, timeout=30
        )
        if status == 200:
            token: str = json.loads(answer)["token"]
            return token
        if status == 429:
            time.sleep(float(headers.get("retry-after", "5")))
            continue
        raise RuntimeError(f"token for {username}: {status} {answer[:200]!r}")
    raise RuntimeError(f"no token for {username}")


# --- HTTP -----------------------------------------------------------------------------------


def request(
    port: int,
    method: str,
    path: str,
    token: str | None,
    body: str | None = None,
    *,
    timeout: float = REQUEST_TIMEOUT,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept": "application/json", "Host": "127.0.0.1"}
    if token:
        headers["Authorization"] = f"Token {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


@dataclass
class Client:
    """One user: a closed loop of reads and edits on its own leads, then its own check."""

    name: str
    token: str
    leads: list[int]
    port: int
    seed: int
    think: float
    reads: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    unanswered: int = 0
    # Last acknowledged value per lead, and a value sent without an answer after it.
    acked: dict[int, tuple[int, str]] = field(default_factory=dict)
    unsure: dict[int, tuple[int, str]] = field(default_factory=dict)
    notes: dict[int, list[str]] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int | None, bytes]:
        start = time.perf_counter()
        try:
            status, _headers, data = request(
                self.port, method, path, self.token, None if body is None else json.dumps(body)
            )
        except (OSError, http.client.HTTPException) as exc:
            self.unanswered += 1
            self.failures.append(f"{method} {path}: no answer ({exc})")
            return None, b""
        (self.reads if method == "GET" else self.writes).append(time.perf_counter() - start)
        self.statuses[status] += 1
        if status >= 400:
            self.failures.append(f"{method} {path}: {status} {data[:300]!r}")
        return status, data

    def run(self, until: float) -> None:
        rng = random.Random(self.seed)
        edit = 0
        while time.monotonic() < until:
            lead = rng.choice(self.leads)
            roll = rng.random()
            if roll < 0.2:
                self.call("GET", "/api/v1/leads/")
            elif roll < 0.4:
                self.call("GET", f"/api/v1/leads/{lead}/")
            elif roll < 0.5:
                self.call("GET", f"/api/v1/scores/{lead}/")
            elif roll < 0.85:
                edit += 1
                value = (1000 + edit, f"{self.name} edit {edit}")
                status, _ = self.call(
                    "PATCH", f"/api/v1/leads/{lead}/", {"jobs": value[0], "products": value[1]}
                )
                if status is not None and 200 <= status < 300:
                    self.acked[lead] = value
                    self.unsure.pop(lead, None)
                elif status is None:
                    self.unsure[lead] = value
            else:
                edit += 1
                text = f"{self.name} note {edit}"
                status, _ = self.call(
                    "POST", f"/api/v1/leads/{lead}/activities/", {"kind": "note", "text": text}
                )
                if status is not None and 200 <= status < 300:
                    self.notes.setdefault(lead, []).append(text)
            time.sleep(rng.uniform(0, 2 * self.think))

    def check(self) -> None:
        """Read back every lead and note this client wrote; list what is not there."""
        for lead in self.leads:
            status, data = self.call("GET", f"/api/v1/leads/{lead}/")
            if status != 200:
                self.lost.append(f"lead {lead}: unreadable ({status})")
                continue
            row = json.loads(data)
            held = (row["jobs"], row["products"])
            expected = self.acked.get(lead)
            if expected is not None and held not in {expected, self.unsure.get(lead)}:
                self.lost.append(f"lead {lead}: holds {held}, last acknowledged {expected}")
            wanted = set(self.notes.get(lead, []))
            if wanted:
                missing = wanted - self.note_texts(lead)
                self.lost += [f"lead {lead}: note {text!r} missing" for text in sorted(missing)]

    def note_texts(self, lead: int) -> set[str]:
        texts: set[str] = set()
        path: str | None = f"/api/v1/leads/{lead}/activities/?page_size=200"
        while path:
            status, data = self.call("GET", path)
            if status != 200:
                break
            page = json.loads(data)
            texts |= {row["text"] for row in page["results"]}
            following = urlsplit(page["next"]) if page.get("next") else None
            path = f"{following.path}?{following.query}" if following else None
        return texts


# --- After the load -------------------------------------------------------------------------


def queue_length(port: int) -> int:
    import redis

    try:
        return int(redis.Redis(port=port, socket_timeout=2).llen("celery"))
    except redis.RedisError:
        return -1


def wait_until_fresh(redis_port: int, timeout: float) -> float | None:
    """Seconds until the queue is empty and no stored score is stale; None on timeout."""
    from screening.selectors.staleness import stale_leads

    started = time.monotonic()
    last = ""
    while time.monotonic() - started < timeout:
        stale, queued = stale_leads().count(), queue_length(redis_port)
        if stale == 0 and queued == 0:
            return time.monotonic() - started
        state = f"{stale} stale score(s), {queued} queued message(s)"
        if state != last:
            print(f"  +{time.monotonic() - started:5.1f} s: {state}", flush=True)
            last = state
        time.sleep(1.0)
    return None


def percentile(values: list[float], q: float) -> float:
    ms = sorted(1000 * v for v in values)
    return ms[min(len(ms) - 1, round(q * (len(ms) - 1)))] if ms else float("nan")


def summary(clients: list[Client], seconds: float) -> tuple[int, int, int]:
    statuses: Counter[int] = Counter()
    for client in clients:
        statuses += client.statuses
    reads = [t for c in clients for t in c.reads]
    writes = [t for c in clients for t in c.writes]
    total = sum(statuses.values())
    errors_5xx = sum(n for code, n in statuses.items() if code >= 500)
    unanswered = sum(c.unanswered for c in clients)
    lost = [line for c in clients for line in c.lost]
    rate = total / seconds
    print(f"requests: {total} in {seconds:.0f} s ({rate:.1f}/s), by status {dict(statuses)}")
    for name, values in (("reads", reads), ("writes", writes)):
        median = statistics.median(values) * 1000 if values else float("nan")
        p95, p99 = percentile(values, 0.95), percentile(values, 0.99)
        print(
            f"  {name:<6} {len(values):6d}  p50 {median:7.1f} ms  p95 {p95:7.1f} ms  "
            f"p99 {p99:7.1f} ms"
        )
    print(f"5xx: {errors_5xx}; unanswered: {unanswered}; lost edits: {len(lost)}")
    for line in [f for c in clients for f in c.failures][:10]:
        print(f"  {line}")
    for line in lost[:10]:
        print(f"  LOST {line}")
    return errors_5xx, unanswered, len(lost)


# --- Main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.1, help="mean pause between requests")
    parser.add_argument("--database", default="xs_bench_faults")
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--sweep-seconds", type=int, default=60)
    parser.add_argument("--fresh-timeout", type=float, default=900.0)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    args = parser.parse_args()

    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    database_url = f"{base}/{args.database}"
    redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
    setup_env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    setup_env.pop("REDIS_URL", None)  # the set-up scores eagerly, in-process
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; building {args.database}"
    )
    built = time.monotonic()
    build_database(args.database, setup_env)
    os.environ.update({"DATABASE_URL": database_url, "DEBUG": "1"})
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screening.config.settings")
    django.setup()
    owned = make_officers(args.clients)
    print(f"database ready in {time.monotonic() - built:.0f} s")

    folder = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    served_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_LEVEL": "WARNING",
        "SCORE_SWEEP_SECONDS": str(args.sweep_seconds),
    }
    services = Services(folder, served_env, args.redis_port, free_port(), args.workers)
    if socket_in_use(args.redis_port):
        print(f"port {args.redis_port} is taken: pass --redis-port with a free port")
        return 2
    try:
        services.start_redis()
        services.start_web()
        services.start_worker()
        services.start_beat()
        tokens = {name: api_token(services.web_port, name) for name in owned}
        clients = [
            Client(name, tokens[name], leads, services.web_port, seed=n, think=args.think)
            for n, (name, leads) in enumerate(sorted(owned.items()))
        ]
        print(
            f"{args.clients} clients for {args.seconds:.0f} s against gunicorn "
            f"({args.workers} sync workers), a Celery worker and beat (sweep every "
            f"{args.sweep_seconds} s), Redis on port {args.redis_port}; logs in {folder}"
        )
        started = time.monotonic()
        stop = threading.Event()
        saboteur = threading.Thread(
            target=faults, args=(services, started, args.seconds, stop), daemon=True
        )
        saboteur.start()
        load_peak = [os.getloadavg()[0]]
        threads = [threading.Thread(target=c.run, args=(started + args.seconds,)) for c in clients]
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            time.sleep(1.0)
            load_peak.append(os.getloadavg()[0])
        stop.set()
        saboteur.join()
        print(f"load ended at t={time.monotonic() - started:.1f} s; clients check their writes")
        for client in clients:
            client.check()
        errors_5xx, unanswered, lost = summary(clients, args.seconds)
        print("waiting for the queue to drain and every score to be fresh…")
        fresh = wait_until_fresh(args.redis_port, args.fresh_timeout)
        print(
            "scores fresh after "
            + (f"{fresh:.1f} s" if fresh is not None else f"MORE THAN {args.fresh_timeout:.0f} s")
        )
    finally:
        services.stop_all()
    verify = manage(setup_env, "verify_scores", check=False)
    print(f"verify_scores: {(verify.stdout + verify.stderr).strip().splitlines()[-1]}")
    one, five, _ = os.getloadavg()
    print(
        f"load average: peak {max(load_peak):.1f} during the run; "
        f"{one:.1f} (1 min), {five:.1f} (5 min) at the end"
    )
    ok = (
        errors_5xx == 0
        and unanswered == 0
        and lost == 0
        and fresh is not None
        and verify.returncode == 0
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def socket_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


if __name__ == "__main__":
    sys.exit(main())
