#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install Stratadesk with the pinned versions.
# Safe to run again: it reinstalls only when pyproject.toml or constraints.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local candidates=()
    [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
    candidates+=(python3.14 python3.13 python3.12)
    if command -v pyenv >/dev/null 2>&1; then
        local root
        root=$(pyenv root)
        for dir in "$root"/versions/3.1[2-9]*; do
            [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
        done
    fi
    candidates+=(python3)
    for candidate in "${candidates[@]}"; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null
        then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [ ! -x .venv/bin/python ] ||
    ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    python=$(find_python) || {
        echo "setup: no Python 3.12 or newer found (set PYTHON=/path/to/python3.12)" >&2
        exit 1
    }
    echo "setup: creating .venv with $python"
    rm -rf .venv
    "$python" -m venv .venv
fi

stamp=.venv/.stratadesk-installed
wanted=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "setup: installing dependencies (pinned by constraints.txt)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -c constraints.txt -e '.[dev]'
    echo "$wanted" > "$stamp"
fi
