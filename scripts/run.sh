#!/usr/bin/env bash
# Start Stratadesk embedded: migrate, load demo data once, then the web server and the
# background worker together. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
host=${STRATADESK_HOST:-127.0.0.1}
port=${STRATADESK_PORT:-8000}
# Links in emails point at this server unless told otherwise.
export STRATADESK_SITE_URL=${STRATADESK_SITE_URL:-http://$host:$port}

if ! "$bin/python" - "$host" "$port" <<'PY'
import socket
import sys

with socket.socket() as probe:
    try:
        probe.bind((sys.argv[1], int(sys.argv[2])))
    except OSError as exc:
        sys.exit(f"run: cannot listen on {sys.argv[1]}:{sys.argv[2]} ({exc.strerror}); "
                 "stop what uses it or set STRATADESK_PORT")
PY
then
    exit 1
fi

"$bin/stratadesk" migrate --no-input -v0
# The shared cache table behind API rate limits (a no-op once it exists).
"$bin/stratadesk" createcachetable
"$bin/stratadesk" demo
# Hourly purges and recovery in the worker (a no-op when already queued).
"$bin/stratadesk" housekeeping --schedule
# The once-a-minute SLA sweep in the worker (also a no-op when already queued).
"$bin/stratadesk" sla_sweep --schedule
# SVR reminders and auto-approvals every five minutes (a no-op when already queued).
"$bin/stratadesk" svr_sweep --schedule
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

# Say it is running only once the server answers.
for _ in $(seq 1 60); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
        break
    fi
    if ! kill -0 "${pids[0]}" 2>/dev/null; then
        echo "run: the web server failed to start" >&2
        exit 1
    fi
    sleep 0.5
done

cat <<MSG

Stratadesk is running.
  Console:  http://$host:$port/console/
  Portal:   http://$host:$port/portal/
  Admin:    http://$host:$port/admin/
  Sign in:  http://$host:$port/login/ (staff), http://$host:$port/portal/login/ (clients)

Demo logins (password Harbour-Lights-2026):
  admin, ops, support1, support2, accounts, client-nsw, client-vic, client-wa

Press Ctrl-C to stop.
MSG

# Wait until either process exits (or Ctrl-C), then stop the other one too. A process
# that dies on its own is a failure, and the exit code says so.
status=0
wait -n "${pids[@]}" || status=$?
exit "$status"
