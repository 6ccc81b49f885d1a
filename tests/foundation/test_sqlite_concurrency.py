"""The embedded SQLite default under concurrent writers (issue 14, finding 8: five "database
is locked" 500s under concurrent writes).

Each test starts a fresh interpreter on a file database with the project's settings, as
`make run` would (DATABASE_URL unset means SQLite; here a file in tmp_path), because the test
run's own database is in memory or on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Writers in threads, each with its own connection from Django, each transaction shaped like
# every write service: read inside the transaction (validate), then write (save).
WRITERS = """
import json, sys, threading, time
import django
django.setup()
from django.db import OperationalError, connection, connections, transaction

THREADS, ROUNDS = 8, 15
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
    cursor.execute("INSERT INTO counter VALUES (1, 0)")
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
errors = []
start = threading.Barrier(THREADS)

def write() -> None:
    start.wait()
    for _ in range(ROUNDS):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT value FROM counter WHERE id = 1")
                    value = cursor.fetchone()[0]
                    time.sleep(0.002)  # a request's work between reading and writing
                    cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
        except OperationalError as exc:
            errors.append(str(exc))
    connections.close_all()

threads = [threading.Thread(target=write) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT value FROM counter WHERE id = 1")
    final = cursor.fetchone()[0]
print(json.dumps({"journal": journal, "errors": errors, "final": final,
                  "expected": THREADS * ROUNDS}))
"""


def run_on_file_database(tmp_path: Path, code: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "REDIS_URL"}}
    env |= {
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "screening.config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrent.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_concurrent_writers_wait_for_each_other_instead_of_failing(tmp_path: Path) -> None:
    outcome = run_on_file_database(tmp_path, WRITERS)
    assert outcome["errors"] == []  # was: "database is locked"
    assert outcome["final"] == outcome["expected"]  # and no update lost
    assert outcome["journal"] == "wal"  # readers go on while one writes
