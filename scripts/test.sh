#!/usr/bin/env bash
# The test run (`make test`): lint, a throwaway PostgreSQL for the registry tests, Chromium for the
# browser test, the real model built once into the cache, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
BIN="$VENV/bin"

if { ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; } && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Chromium, its driver (for the service's Selenium test) and CJK fonts for the browser tests" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi

pg_dir=""
if [[ -z "${DOCKGUARD_TEST_PG_URL:-}" ]]; then
    pg_dir="$(mktemp -d /tmp/dockguard-pg.XXXXXX)"
    chmod 755 "$pg_dir"
    if url="$(bash scripts/start_test_postgres.sh "$pg_dir")"; then
        export DOCKGUARD_TEST_PG_URL="$url"
        trap 'bash scripts/start_test_postgres.sh --stop "$pg_dir" >/dev/null 2>&1 || true' EXIT
    else
        echo "PostgreSQL could not be started: the postgres tests will be skipped" >&2
    fi
fi

"$BIN/dockguard" model build
"$BIN/ruff" check dockguard tests benchmarks cli.py
"$BIN/mypy"
"$BIN/python" -m pytest -q "$@"
