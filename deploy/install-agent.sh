#!/usr/bin/env bash
# Installs the Outpost agent as a systemd service on Debian/Ubuntu. Idempotent: safe to run again (an existing
# /etc/outpost/agent.yaml is never overwritten). Run as root from a checkout or release directory.
#   deploy/install-agent.sh [--dry-run] [--prefix /usr/local]
# --dry-run prints every step instead of doing it.
set -euo pipefail

DRY_RUN=0
PREFIX=/usr/local
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "install-agent.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CONF_DIR=/etc/outpost
STATE_DIR=/var/lib/outpost-agent
APP_DIR="$PREFIX/lib/outpost"
UNIT=/etc/systemd/system/outpost-agent.service

run() {
  if ((DRY_RUN)); then printf 'would run: %s\n' "$*"; else "$@"; fi
}

if ((!DRY_RUN)) && [[ $(id -u) -ne 0 ]]; then
  echo "install-agent.sh: must run as root (or use --dry-run)" >&2
  exit 1
fi
if ! command -v node >/dev/null || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  echo "install-agent.sh: Node.js >= 20 is required (apt-get install nodejs, or NodeSource)" >&2
  ((DRY_RUN)) || exit 1
fi
if [[ ! -f "$ROOT/dist/bin/outpost.js" ]]; then
  echo "install-agent.sh: $ROOT/dist/bin/outpost.js missing: run 'npm ci && npm run build' first" >&2
  ((DRY_RUN)) || exit 1
fi

# 1. the service user (no login, no home)
if ! getent group outpost >/dev/null; then run groupadd --system outpost; fi
if ! id -u outpost >/dev/null 2>&1; then
  run useradd --system --gid outpost --no-create-home --home-dir "$STATE_DIR" --shell /usr/sbin/nologin outpost
fi

# 2. the application (dist + production node_modules) and the `outpost` command
run install -d -m 0755 "$APP_DIR"
for part in dist node_modules package.json; do
  [[ -e "$ROOT/$part" ]] && run cp -a "$ROOT/$part" "$APP_DIR/"
done
run ln -sfn "$APP_DIR/dist/bin/outpost.js" "$PREFIX/bin/outpost"
run chmod 0755 "$APP_DIR/dist/bin/outpost.js"

# 3. config and state directories; the example config only if none exists
run install -d -m 0750 -o root -g outpost "$CONF_DIR"
if [[ ! -e "$CONF_DIR/agent.yaml" ]]; then
  run install -m 0640 -o root -g outpost "$HERE/agent.example.yaml" "$CONF_DIR/agent.yaml"
else
  echo "keeping existing $CONF_DIR/agent.yaml"
fi
run install -d -m 0750 -o outpost -g outpost "$STATE_DIR"

# 4. the unit: installed, enabled, (re)started only if the config validates
NODE_BIN="$(command -v node || echo /usr/bin/node)"
if ((DRY_RUN)); then
  echo "would write: $UNIT (from $HERE/systemd/outpost-agent.service, node=$NODE_BIN, app=$APP_DIR)"
else
  sed -e "s#/usr/bin/node#$NODE_BIN#g" -e "s#/usr/local/lib/outpost#$APP_DIR#g" "$HERE/systemd/outpost-agent.service" >"$UNIT.tmp"
  chmod 0644 "$UNIT.tmp"
  mv "$UNIT.tmp" "$UNIT"
fi
run systemctl daemon-reload
run systemctl enable outpost-agent.service
if ((DRY_RUN)) || "$NODE_BIN" "$APP_DIR/dist/agent/main.js" check-config --agent "$CONF_DIR/agent.yaml"; then
  run systemctl restart outpost-agent.service
else
  echo "install-agent.sh: fix $CONF_DIR/agent.yaml, then: systemctl restart outpost-agent" >&2
  exit 1
fi
echo "outpost-agent installed$( ((DRY_RUN)) && echo ' (dry run: nothing changed)')"
