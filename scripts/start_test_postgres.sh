#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the registry tests and print its SQLAlchemy URL.
#
#   export DOCKGUARD_TEST_PG_URL="$(scripts/start_test_postgres.sh /tmp/dockguard-pg)"
#   ...run the tests...
#   scripts/start_test_postgres.sh --stop /tmp/dockguard-pg
#
# DIR (default: a new folder under /tmp) receives the cluster, its log and its unix socket; it must
# not exist yet or be empty, and every folder above it must be traversable by the server's user.
# The server listens on 127.0.0.1 on a free port, trusts local connections (tests only!) and runs
# without fsync. As root, the server runs as the `postgres` user (or $DOCKGUARD_PG_USER), since
# PostgreSQL refuses to run as root. Binaries: $PG_BIN, else `pg_config --bindir`, else
# /usr/local/bin, else the newest /usr/lib/postgresql/*/bin. Only the URL goes to stdout.
set -euo pipefail

log() { echo "start_test_postgres: $*" >&2; }

find_bindir() {
    if [[ -n "${PG_BIN:-}" ]]; then
        if [[ -x "$PG_BIN/initdb" ]]; then echo "$PG_BIN"; return; fi
        log "PG_BIN=$PG_BIN has no initdb"
        exit 3
    fi
    if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
        pg_config --bindir; return
    fi
    if [[ -x /usr/local/bin/initdb ]]; then echo /usr/local/bin; return; fi
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return; fi
    log "no PostgreSQL server binaries (initdb) found; set PG_BIN"
    exit 3
}

# run a command as the server's user (the current one unless we are root)
as_server_user() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u "$SERVER_USER" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    local python
    for python in python3 python; do
        if command -v "$python" >/dev/null 2>&1; then
            "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
            return
        fi
    done
    echo $(( 20000 + RANDOM % 30000 ))
}

BIN="$(find_bindir)"
SERVER_USER="${DOCKGUARD_PG_USER:-postgres}"
if [[ "$(id -u)" == 0 ]] && ! id -u "$SERVER_USER" >/dev/null 2>&1; then
    log "running as root and there is no user '$SERVER_USER' to run PostgreSQL as; create one or set DOCKGUARD_PG_USER"
    exit 3
fi

if [[ "${1:-}" == "--stop" ]]; then
    DIR="${2:?usage: $0 --stop DIR}"
    if [[ -f "$DIR/data/postmaster.pid" ]]; then
        as_server_user "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null
    fi
    rm -rf "$DIR"
    exit 0
fi

DIR="${1:-$(mktemp -d /tmp/dockguard-pg.XXXXXX)}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
if [[ -n "$(ls -A "$DIR")" ]]; then
    log "$DIR is not empty; give a new folder (or stop the old server with --stop $DIR)"
    exit 2
fi
if [[ "$(id -u)" == 0 ]]; then
    chown "$SERVER_USER" "$DIR"
fi
chmod 700 "$DIR"

DB_USER=dockguard
DB_NAME=dockguard_test
as_server_user "$BIN/initdb" -D "$DIR/data" -U "$DB_USER" --auth=trust -E UTF8 --no-locale --no-sync \
    >"$DIR/initdb.log" 2>&1 || { log "initdb failed:"; cat "$DIR/initdb.log" >&2; exit 1; }

for attempt in 1 2 3 4 5; do
    PORT="$(free_port)"
    if as_server_user "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        >/dev/null; then
        break
    fi
    if [[ "$attempt" == 5 ]]; then
        log "the server did not start; its log:"; cat "$DIR/postgres.log" >&2; exit 1
    fi
    log "port $PORT taken, trying another"
done

as_server_user "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$DB_NAME"
log "$("$BIN/postgres" --version) running in $DIR (stop: $0 --stop $DIR)"
echo "postgresql+psycopg://$DB_USER@127.0.0.1:$PORT/$DB_NAME"
