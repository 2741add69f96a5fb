#!/usr/bin/env bash
# Start Stratadesk embedded: migrate, load demo data once, then the web server and the
# background worker together. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
host=${STRATADESK_HOST:-127.0.0.1}
port=${STRATADESK_PORT:-8000}

"$bin/stratadesk" migrate --no-input -v0
"$bin/stratadesk" demo
"$bin/stratadesk" collectstatic --no-input -v0

pids=()
stop() {
    trap - INT TERM EXIT
    echo
    echo "Stopping Stratadesk..."
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "Stopped."
}
trap stop INT TERM EXIT

"$bin/gunicorn" stratadesk.wsgi:application \
    --bind "$host:$port" --workers 2 --threads 4 \
    --error-logfile - --log-level warning &
pids+=($!)
"$bin/stratadesk" db_worker --interval 1 &
pids+=($!)

cat <<MSG

Stratadesk is running.
  Console:  http://$host:$port/console/
  Portal:   http://$host:$port/portal/
  Admin:    http://$host:$port/admin/
  Sign in:  http://$host:$port/login/

Demo logins (password Harbour-Lights-2026):
  admin, ops, support1, support2, accounts, client-nsw, client-vic, client-wa

Press Ctrl-C to stop.
MSG

# Wait until either process exits (or Ctrl-C), then stop the other one too.
wait -n "${pids[@]}" || true
