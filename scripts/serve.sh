#!/usr/bin/env bash
# Serve the site. With REDIS_URL set, also start a Celery worker and beat (stopped on exit);
# without it, tasks run eagerly inside the web process and nothing else is needed.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
bin=.venv/bin
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
if [ -n "${REDIS_URL:-}" ]; then
  "$bin/celery" -A screening worker --loglevel=INFO --concurrency=2 &
  pids+=($!)
  "$bin/celery" -A screening beat --loglevel=INFO --schedule=.venv/celerybeat-schedule &
  pids+=($!)
fi
echo "Serving http://$host:$port/  (admin: http://$host:$port/admin/)"
"$bin/python" manage.py runserver "$host:$port"
