#!/usr/bin/env bash
# Every check CI makes: lint, migrations, the suite on SQLite, then on PostgreSQL.
#
# PostgreSQL is DATABASE_URL when it names one, else the local server. When none answers
# those tests are skipped with a message, unless STRATADESK_REQUIRE_POSTGRES=1. Browser
# tests follow the same rule with STRATADESK_REQUIRE_BROWSER=1 (see tests/browser).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
step() { printf '\n==> %s\n' "$*"; }
# pytest-xdist workers; each has its own test database (test_stratadesk_gw0, ...).
workers=${STRATADESK_TEST_WORKERS:-2}

step "lint: ruff check and ruff format --check"
"$bin/ruff" check .
"$bin/ruff" format --check .

step "migrations match the models"
STRATADESK_VAR_DIR=$(mktemp -d) "$bin/stratadesk" makemigrations --check --dry-run

step "tests on SQLite"
env -u DATABASE_URL "$bin/pytest" -n "$workers" "$@"

pg_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
case "$pg_url" in
    postgres://* | postgresql://*) ;;
    *) pg_url=postgres://postgres@127.0.0.1:5432/postgres ;;
esac

step "tests on PostgreSQL"
if "$bin/python" - "$pg_url" <<'PY'
import sys

import psycopg

try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1),
                    connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
    # Browser tests already ran against SQLite; the database is not what they test.
    # A named test database, so a run never collides with the server's own data.
    DATABASE_URL=$pg_url STRATADESK_TEST_DATABASE=${STRATADESK_TEST_DATABASE:-test_stratadesk} \
        "$bin/pytest" -n "$workers" -m "not browser" "$@"
elif [ "${STRATADESK_REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "FAILED: STRATADESK_REQUIRE_POSTGRES=1 but PostgreSQL is not reachable" >&2
    exit 1
else
    echo "SKIPPED: PostgreSQL tests (no server at $pg_url);"
    echo "         set DATABASE_URL or start PostgreSQL to run them."
fi
