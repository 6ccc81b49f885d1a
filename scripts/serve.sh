#!/usr/bin/env bash
# Serve the site. With REDIS_URL set, also start a Celery worker and beat (stopped on exit);
# without it, tasks run eagerly inside the web process and nothing else is needed.
# DEBUG on: Django's development server. DEBUG off: as deployed, collectstatic (hashed,
# compressed files) and gunicorn, with WhiteNoise serving /static/ from the app itself.
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
case "$(echo "${DEBUG:-0}" | tr '[:upper:]' '[:lower:]')" in
  1 | true | yes | on)
    "$bin/python" manage.py runserver "$host:$port"
    ;;
  *)
    "$bin/python" manage.py collectstatic --noinput --verbosity 0
    # Without Redis the cache (API rate counts) lives in the process: one worker, threads.
    workers=${WEB_WORKERS:-$([ -n "${REDIS_URL:-}" ] && echo 3 || echo 1)}
    "$bin/gunicorn" screening.config.wsgi:application --bind "$host:$port" \
      --workers "$workers" --threads 4 --access-logfile - &
    pids+=($!)
    wait "$!"
    ;;
esac
