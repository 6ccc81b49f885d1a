#!/usr/bin/env bash
# Run every benchmark that can run here and print their figures. The in-memory ones always
# run; the PostgreSQL/Redis ones need the services on 127.0.0.1 (they create their own
# databases and use Redis DB 12). Figures depend on the machine: compare ratios in one run.
set -uo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
export DEBUG=1
for script in bench_complexity bench_relatedness bench_scoring bench_robustness bench_demo_leads; do
  [ -f "bench/$script.py" ] && { echo "== $script"; $py "bench/$script.py"; }
done
if pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  for script in bench_import bench_rescore bench_shortlist bench_views bench_api bench_preview bench_prospects bench_calibrate bench_faults; do
    [ -f "bench/$script.py" ] && { echo "== $script"; $py "bench/$script.py"; }
  done
else
  echo "PostgreSQL or Redis not answering on 127.0.0.1: skipping the database benchmarks."
fi
if [ -f bench/real_data/run.py ]; then echo "== real_data"; $py bench/real_data/run.py; fi
