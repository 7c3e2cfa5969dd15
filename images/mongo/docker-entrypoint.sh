#!/bin/bash
# Entrypoint of the offline mongo stand-in. Written from the official image's documented
# behaviour (hub.docker.com/_/mongo, "Environment Variables" and "Initializing a fresh
# instance"); see the Dockerfile's header for the contract it keeps.
set -Eeuo pipefail

log() { echo "docker-entrypoint: $*" >&2; }

# `docker run mongo --wiredTigerCacheSizeGB 1` means mongod with those options.
if [ "${1:0:1}" = "-" ]; then
    set -- mongod "$@"
fi
# Any other command (mongo, bash, ...) runs as given, and so does `mongod --version`/`--help`.
if [ "$1" != "mongod" ]; then
    exec "$@"
fi
for arg in "$@"; do
    case "$arg" in --version | --help | -h) exec "$@" ;; esac
done

# Started as root: give the volumes to mongodb, then run this script again as mongodb.
if [ "$(id -u)" = "0" ]; then
    find /data/db /data/configdb \! -user mongodb -exec chown mongodb:mongodb '{}' +
    export HOME=/data/db
    exec setpriv --reuid=mongodb --regid=mongodb --init-groups "$BASH_SOURCE" "$@"
fi

# VAR_FILE (a Docker secret, for instance) instead of VAR; both at once is an error.
from_file() {
    local var="$1" file_var="${1}_FILE"
    if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
        log "both $var and $file_var are set: use one"
        exit 1
    fi
    if [ -n "${!file_var:-}" ]; then
        export "$var"="$(< "${!file_var}")"
    fi
    unset "$file_var"
}
from_file MONGO_INITDB_ROOT_USERNAME
from_file MONGO_INITDB_ROOT_PASSWORD
root_user="${MONGO_INITDB_ROOT_USERNAME:-}"
root_password="${MONGO_INITDB_ROOT_PASSWORD:-}"
if { [ -n "$root_user" ] && [ -z "$root_password" ]; } || { [ -z "$root_user" ] && [ -n "$root_password" ]; }; then
    log "MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD go together: set both or neither"
    exit 1
fi

# Options the caller gave that this script must not override.
has_option() {
    local wanted="$1" arg
    shift
    for arg in "$@"; do
        case "$arg" in "$wanted" | "$wanted"=*) return 0 ;; esac
    done
    return 1
}
dbpath=/data/db
for arg in "$@"; do
    case "$arg" in --dbpath=*) dbpath="${arg#--dbpath=}" ;; esac
done

# A database exists when mongod's own files are there (WiredTiger or the older MMAPv1).
initialised() {
    [ -e "$dbpath/WiredTiger" ] || [ -e "$dbpath/storage.bson" ] || [ -e "$dbpath/local.0" ]
}

# A JavaScript string literal for any value (the shell reads scripts, never argv secrets).
js_string() {
    local value="$1"
    value="${value//\\/\\\\}"
    value="${value//\"/\\\"}"
    value="${value//$'\n'/\\n}"
    value="${value//$'\r'/\\r}"
    printf '"%s"' "$value"
}

initdb() {
    local pid tries f
    log "empty $dbpath: initialising (server on 127.0.0.1 only until this is done)"
    # Without --auth and on localhost only, as the official image does for its init phase.
    mongod --dbpath "$dbpath" --bind_ip 127.0.0.1 --port 27017 &
    pid=$!
    # A failed initialisation must not leave a half-made database that a restart would
    # take for a finished one: stop the server and empty the (previously empty) directory.
    trap 'log "initialisation failed: emptying $dbpath"; kill -TERM "$pid" 2>/dev/null || true; wait "$pid" || true; find "$dbpath" -mindepth 1 -delete' ERR
    for tries in $(seq 60); do
        if mongo --quiet --host 127.0.0.1 --port 27017 --eval 'quit(db.adminCommand({ping: 1}).ok === 1 ? 0 : 1)' >/dev/null 2>&1; then
            break
        fi
        if ! kill -0 "$pid" 2>/dev/null || [ "$tries" = 60 ]; then
            log "the initialisation server did not start"
            false
        fi
        sleep 1
    done

    if [ -n "$root_user" ]; then
        log "creating the root user $root_user in admin"
        mongo --quiet --host 127.0.0.1 --port 27017 admin <<JS
db.createUser({user: $(js_string "$root_user"), pwd: $(js_string "$root_password"), roles: [{role: "root", db: "admin"}]});
JS
    fi

    export MONGO_INITDB_DATABASE="${MONGO_INITDB_DATABASE:-test}"
    for f in /docker-entrypoint-initdb.d/*; do
        case "$f" in
            *.sh)
                if [ -x "$f" ]; then
                    log "running $f"
                    "$f"
                else
                    log "sourcing $f"
                    # shellcheck disable=SC1090
                    . "$f"
                fi
                ;;
            *.js)
                log "running $f against $MONGO_INITDB_DATABASE"
                mongo --quiet --host 127.0.0.1 --port 27017 "$MONGO_INITDB_DATABASE" "$f"
                ;;
            */\*) ;;  # no init scripts at all
            *) log "ignoring $f" ;;
        esac
    done

    # A clean shutdown (SIGTERM): everything written above is on disk before the real start.
    kill -TERM "$pid"
    wait "$pid"
    trap - ERR
    log "initialisation done"
}

if ! initialised; then
    initdb
fi

# Reachable from outside the container, as the official image; --auth once a root user exists.
if ! has_option --bind_ip "$@" && ! has_option --bind_ip_all "$@"; then
    set -- "$@" --bind_ip_all
fi
if [ -n "$root_user" ] && ! has_option --auth "$@"; then
    set -- "$@" --auth
fi
unset MONGO_INITDB_ROOT_PASSWORD root_password
exec "$@"
