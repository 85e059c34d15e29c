# shellcheck shell=bash
# The one bootstrap shared by setup/run, setup/test, setup/odoo and setup/stop.
# Sourced, never executed. Every step is idempotent and cheap when already done.
#
# Environment (all optional):
#   ODOO_SRC        Odoo 18.0 source (odoo-bin, odoo/, addons/); default /opt/odoo
#   LT_PGPORT       port of the project-local PostgreSQL cluster; default 54329
#   LT_EXTERNAL_PG  set to 1 to use an existing server given by PGHOST/PGPORT/
#                   PGUSER/PGPASSWORD instead of the project-local cluster
#   LT_HTTP_PORT    port Odoo serves on (setup/run); default 8069

set -euo pipefail

LT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo}"
LT_STATE="$LT_ROOT/.local"            # ignored by git: cluster, logs, filestore, config
LT_VENV="$LT_ROOT/.venv"
LT_PGDATA="$LT_STATE/pgdata"
LT_PGRUN="$LT_STATE/pgrun"            # unix socket directory
LT_LOG="$LT_STATE/log"
LT_CONF="$LT_STATE/odoo.conf"
LT_PGPORT="${LT_PGPORT:-54329}"
LT_HTTP_PORT="${LT_HTTP_PORT:-8069}"
LT_EXTERNAL_PG="${LT_EXTERNAL_PG:-}"
LT_DB_ROLE="odoo"
LT_ODOO_BRANCH="18.0"
LT_ODOO_REPO="https://github.com/odoo/odoo.git"
LT_MODULE="lot_traceability"
LT_DEMO_MODULE="lot_traceability_demo"  # the demo scenario and the browser tours

lt_say() { printf '\033[1m[lot_traceability]\033[0m %s\n' "$*" >&2; }
lt_die() { printf '\033[1;31m[lot_traceability] error:\033[0m %s\n' "$*" >&2; exit 1; }

lt_sha() { sha256sum | cut -c1-16; }

# --- Odoo source -------------------------------------------------------------
lt_ensure_odoo_src() {
    if [ -f "$ODOO_SRC/odoo-bin" ] && [ -d "$ODOO_SRC/addons/stock" ]; then
        return
    fi
    if [ -e "$ODOO_SRC" ] && [ -n "$(ls -A "$ODOO_SRC" 2>/dev/null)" ]; then
        lt_die "ODOO_SRC=$ODOO_SRC exists but is not an Odoo 18.0 checkout (no odoo-bin or addons/stock)."
    fi
    lt_say "Odoo source not found at $ODOO_SRC; cloning $LT_ODOO_REPO ($LT_ODOO_BRANCH, depth 1)"
    if ! git clone --quiet --depth 1 --branch "$LT_ODOO_BRANCH" "$LT_ODOO_REPO" "$ODOO_SRC"; then
        lt_die "could not clone Odoo 18.0 (no network?). Provide it yourself:
    git clone --depth 1 --branch 18.0 $LT_ODOO_REPO /opt/odoo
or point ODOO_SRC at an existing Odoo 18.0 source tree (with odoo-bin, odoo/ and addons/)."
    fi
}

lt_odoo_version() {
    grep -E '^version_info' "$ODOO_SRC/odoo/release.py" | head -1
}

# --- system packages ---------------------------------------------------------
lt_pg_bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
    done
    command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v pg_ctl)"
}

lt_ensure_system_packages() {
    local missing=()
    if [ -z "$LT_EXTERNAL_PG" ] && [ -z "$(lt_pg_bindir)" ]; then
        missing+=(postgresql)
    fi
    command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    command -v gs >/dev/null 2>&1 || missing+=(ghostscript)  # GS1 DataMatrix labels
    [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
    command -v pg_config >/dev/null 2>&1 || missing+=(libpq-dev)
    [ -f /usr/include/libxml2/libxml/xmlversion.h ] || missing+=(libxml2-dev)
    [ -f /usr/include/libxslt/xslt.h ] || missing+=(libxslt1-dev)
    [ -f /usr/include/jpeglib.h ] || missing+=(libjpeg-dev)
    command -v gcc >/dev/null 2>&1 || missing+=(build-essential)
    [ ${#missing[@]} -eq 0 ] && return
    if [ "$(id -u)" -ne 0 ]; then
        lt_die "missing system packages. As root, run:
    apt-get update && apt-get install -y ${missing[*]}"
    fi
    lt_say "installing system packages: ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$LT_LOG/apt.log" 2>&1 \
        || lt_die "apt-get install failed, see $LT_LOG/apt.log"
}

# --- Python environment ------------------------------------------------------
lt_ensure_venv() {
    local py="${LT_PYTHON:-python3}" want have stamp="$LT_VENV/.lt-requirements"
    want="$({ cat "$LT_ROOT/setup/requirements.txt"; "$py" -c 'import sys; print(sys.version)'; } | lt_sha)"
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [ "$want" != "$have" ]; then
        "$py" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' \
            || lt_die "Odoo 18.0 needs Python 3.10 to 3.12; $py is $("$py" --version). Set LT_PYTHON."
        lt_say "installing Python dependencies into .venv (log: $LT_LOG/pip.log)"
        [ -x "$LT_VENV/bin/python" ] || "$py" -m venv "$LT_VENV"
        {
            "$LT_VENV/bin/pip" install --upgrade pip wheel "setuptools<70" &&
                "$LT_VENV/bin/pip" install -r "$LT_ROOT/setup/requirements.txt"
        } >"$LT_LOG/pip.log" 2>&1 || lt_die "pip install failed, see $LT_LOG/pip.log"
        echo "$want" >"$stamp"
    fi
    # Odoo itself is not a pip package here: make ODOO_SRC importable from the venv.
    local site
    site="$("$LT_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    if [ "$(cat "$site/lt_odoo_src.pth" 2>/dev/null)" != "$ODOO_SRC" ]; then
        echo "$ODOO_SRC" >"$site/lt_odoo_src.pth"
    fi
}

# --- PostgreSQL --------------------------------------------------------------
# Run a command as the cluster owner: ourselves, or the unprivileged "postgres"
# system user when we are root (PostgreSQL refuses to run as root).
lt_as_pg_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "${LT_PG_OS_USER:-postgres}" -- "$@"
    else
        "$@"
    fi
}

lt_pg_env() {
    if [ -n "$LT_EXTERNAL_PG" ]; then
        export PGHOST="${PGHOST:-localhost}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-odoo}"
        LT_DB_ROLE="$PGUSER"
    else
        export PGHOST="$LT_PGRUN" PGPORT="$LT_PGPORT" PGUSER="$LT_DB_ROLE"
        unset PGPASSWORD
    fi
    export PGDATABASE=postgres PGOPTIONS="-c client_min_messages=warning"
}

lt_ensure_pg() {
    lt_pg_env
    if [ -n "$LT_EXTERNAL_PG" ]; then
        psql -qAtc 'select 1' >/dev/null 2>&1 \
            || lt_die "cannot connect to the PostgreSQL server at $PGHOST:$PGPORT as $PGUSER (LT_EXTERNAL_PG=1)."
        return
    fi
    local bin owner
    bin="$(lt_pg_bindir)"
    [ -n "$bin" ] || lt_die "PostgreSQL server binaries not found (apt-get install postgresql)."
    owner="$([ "$(id -u)" -eq 0 ] && echo "${LT_PG_OS_USER:-postgres}" || id -un)"
    id "$owner" >/dev/null 2>&1 || lt_die "system user '$owner' for the database cluster does not exist."
    mkdir -p "$LT_PGRUN" "$LT_LOG"
    if [ ! -f "$LT_PGDATA/PG_VERSION" ]; then
        lt_say "creating the project-local PostgreSQL cluster in .local/pgdata (port $LT_PGPORT)"
        mkdir -p "$LT_PGDATA"
        [ "$(id -u)" -eq 0 ] && chown "$owner" "$LT_PGDATA" "$LT_PGRUN" "$LT_LOG"
        chmod 700 "$LT_PGDATA"
        lt_as_pg_owner "$bin/initdb" -D "$LT_PGDATA" -U "$owner" -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=reject >"$LT_LOG/initdb.log" 2>&1 \
            || lt_die "initdb failed, see $LT_LOG/initdb.log"
        cat >>"$LT_PGDATA/postgresql.conf" <<EOF
# lot_traceability: private cluster, unix socket only
listen_addresses = ''
port = $LT_PGPORT
unix_socket_directories = '$LT_PGRUN'
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
fsync = on
max_connections = 100
unix_socket_permissions = 0700
EOF
    fi
    [ "$(id -u)" -eq 0 ] && chown "$owner" "$LT_PGRUN" "$LT_LOG"
    if ! lt_as_pg_owner "$bin/pg_ctl" -D "$LT_PGDATA" status >/dev/null 2>&1; then
        lt_as_pg_owner "$bin/pg_ctl" -D "$LT_PGDATA" -l "$LT_LOG/postgresql.log" -w -t 60 start >/dev/null \
            || lt_die "PostgreSQL did not start, see $LT_LOG/postgresql.log"
    fi
    if ! psql -U "$owner" -qAtc "select 1 from pg_roles where rolname = '$LT_DB_ROLE'" | grep -q 1; then
        psql -U "$owner" -qc "create role $LT_DB_ROLE login createdb" >/dev/null
    fi
}

lt_stop_pg() {
    [ -n "$LT_EXTERNAL_PG" ] && { lt_say "external PostgreSQL (LT_EXTERNAL_PG): nothing to stop"; return; }
    local bin
    bin="$(lt_pg_bindir)"
    if [ -n "$bin" ] && [ -f "$LT_PGDATA/PG_VERSION" ] \
        && lt_as_pg_owner "$bin/pg_ctl" -D "$LT_PGDATA" status >/dev/null 2>&1; then
        lt_as_pg_owner "$bin/pg_ctl" -D "$LT_PGDATA" -m fast -w stop >/dev/null
        lt_say "PostgreSQL stopped"
    else
        lt_say "PostgreSQL is not running"
    fi
}

lt_db_exists() {
    psql -qAtc "select 1 from pg_database where datname = '$1'" | grep -q 1
}

# --- Odoo configuration ------------------------------------------------------
lt_write_conf() {
    mkdir -p "$LT_STATE/filestore-root"
    local host port user pass
    host="$PGHOST" port="$PGPORT" user="$PGUSER" pass="${PGPASSWORD:-False}"
    cat >"$LT_CONF.tmp" <<EOF
; generated by setup/lib.sh on every run: edit setup/lib.sh, not this file
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$LT_ROOT
data_dir = $LT_STATE/filestore-root
db_host = $host
db_port = $port
db_user = $user
db_password = $pass
admin_passwd = admin
http_interface = 127.0.0.1
http_port = $LT_HTTP_PORT
list_db = False
without_demo = False
max_cron_threads = 1
EOF
    mv "$LT_CONF.tmp" "$LT_CONF"
}

lt_odoo() {
    "$LT_VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$LT_CONF" "$@"
}

# The hash that decides whether a database built earlier is still current:
# the addon's source, Odoo's version and the Python requirements.
lt_addon_hash() {
    {
        # the browser tours (tests/, static/tests/) are read at run time, not installed
        (cd "$LT_ROOT" && find "$LT_MODULE" "$LT_DEMO_MODULE" -type f ! -name '*.pyc' \
            ! -path '*/__pycache__/*' ! -path "*/tests/*" -print0 \
            | sort -z | xargs -0 sha256sum)
        lt_odoo_version
        stat -c '%n %s %Y' "$ODOO_SRC/odoo/release.py" "$ODOO_SRC"/addons/{stock,mrp,purchase_stock,sale_stock,product_expiry}/__manifest__.py
        cat "$LT_ROOT/setup/requirements.txt"
    } | lt_sha
}

lt_bootstrap() {
    mkdir -p "$LT_STATE" "$LT_LOG"
    lt_ensure_odoo_src
    lt_ensure_system_packages
    lt_ensure_venv
    lt_ensure_pg
    lt_write_conf
}

# --- browser tests (issue 9) ---------------------------------------------------
# Odoo's HttpCase drives Chromium through the DevTools protocol with
# websocket-client, which Odoo's requirements leave out (HttpCase then *skips*).
# It goes into .local/browser-packages, on PYTHONPATH for the browser runs only,
# so the shared .venv and setup/requirements.txt stay as they are.
LT_BROWSER_SITE="$LT_STATE/browser-packages"
lt_ensure_browser() {
    local packages=("$@")  # more Debian packages a caller needs (poppler-utils)
    command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 \
        || packages+=(chromium)
    if [ ${#packages[@]} -gt 0 ]; then
        [ "$(id -u)" -eq 0 ] || lt_die "missing system packages for the browser. As root, run:
    apt-get update && apt-get install -y ${packages[*]}"
        lt_say "installing system packages: ${packages[*]}"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}" >"$LT_LOG/apt-browser.log" 2>&1 \
            || lt_die "apt-get install failed, see $LT_LOG/apt-browser.log"
    fi
    if ! PYTHONPATH="$LT_BROWSER_SITE" "$LT_VENV/bin/python" -c 'import websocket' 2>/dev/null; then
        lt_say "installing websocket-client into .local/browser-packages (log: $LT_LOG/pip-browser.log)"
        "$LT_VENV/bin/pip" install --quiet --target "$LT_BROWSER_SITE" "websocket-client==1.8.0" \
            >"$LT_LOG/pip-browser.log" 2>&1 || lt_die "pip install websocket-client failed, see $LT_LOG/pip-browser.log"
    fi
    export PYTHONPATH="$LT_BROWSER_SITE${PYTHONPATH:+:$PYTHONPATH}"
}

# --- lint tools (issue 9) -----------------------------------------------------
# pre-commit, ruff and pylint-odoo come with .venv (setup/requirements.txt);
# prettier and its XML plugin come from npm into .local/node, pinned here.
LT_NODE_DIR="$LT_STATE/node"
LT_PRETTIER_PACKAGES=("prettier@3.3.3" "@prettier/plugin-xml@3.4.1")
lt_ensure_lint_tools() {
    if ! command -v npm >/dev/null 2>&1; then
        [ "$(id -u)" -eq 0 ] || lt_die "npm is missing (for prettier). As root, run:
    apt-get update && apt-get install -y nodejs npm"
        lt_say "installing system packages: nodejs npm"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >"$LT_LOG/apt-node.log" 2>&1 \
            || lt_die "apt-get install failed, see $LT_LOG/apt-node.log"
    fi
    local stamp="$LT_NODE_DIR/.lt-packages"
    if [ "$(cat "$stamp" 2>/dev/null)" != "${LT_PRETTIER_PACKAGES[*]}" ]; then
        lt_say "installing ${LT_PRETTIER_PACKAGES[*]} into .local/node (log: $LT_LOG/npm.log)"
        mkdir -p "$LT_NODE_DIR"
        (cd "$LT_NODE_DIR" && npm install --no-audit --no-fund --no-save "${LT_PRETTIER_PACKAGES[@]}") \
            >"$LT_LOG/npm.log" 2>&1 || lt_die "npm install failed, see $LT_LOG/npm.log"
        echo "${LT_PRETTIER_PACKAGES[*]}" >"$stamp"
    fi
    export PRE_COMMIT_HOME="$LT_STATE/pre-commit"
}
