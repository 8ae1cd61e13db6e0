#!/bin/sh
# Installs the Outpost agent from this release directory (outpost-agent-<version>.tar.gz unpacked) as a systemd
# service. Needs root and Node.js >= 20 (or --binary with the single executable); nothing from the internet.
# Idempotent: run it again to upgrade; an existing /etc/outpost/agent.yaml or agent.env is never overwritten,
# and the spool and seq state in /var/lib/outpost-agent are kept.
#   sh install.sh [--id ID] [--mqtt-url URL] [--mqtt-password PASSWORD] [--profile host|poller]
#                 [--binary FILE] [--no-start] [--dry-run]
#   --id             the agent's id (MQTT username; default: this host's name, lower-cased)
#   --mqtt-url       the broker, e.g. mqtts://collector.example:8883 (default in agent.yaml: mqtt://127.0.0.1:1883)
#   --mqtt-password  the enrolment password printed by `outpost agent credentials ID` on the collector host;
#                    stored in /etc/outpost/agent.env (mode 0640), used by agent.yaml as ${OUTPOST_MQTT_PASSWORD}
#   --profile        host (default; smallest memory) or poller (many SNMP devices; see agent.env)
#   --binary FILE    install the single executable (outpost-agent-<version>-linux-x64) instead of outpost-agent.js
#   --no-start       install and enable only
#   --dry-run        print every step instead of doing it
set -eu

ID="" URL="" PASSWORD="" PROFILE="" BINARY="" START=1 DRY_RUN=0
die() { echo "install.sh: $*" >&2; exit 2; }
need() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --id) need "$@"; ID=$2; shift ;;
    --mqtt-url) need "$@"; URL=$2; shift ;;
    --mqtt-password) need "$@"; PASSWORD=$2; shift ;;
    --profile) need "$@"; PROFILE=$2; shift ;;
    --binary) need "$@"; BINARY=$2; shift ;;
    --no-start) START=0 ;;
    --dry-run) DRY_RUN=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done

HERE=$(cd "$(dirname "$0")" && pwd)
if [ -n "$ID" ] && ! printf '%s' "$ID" | grep -Eq '^[a-z0-9][a-z0-9._-]{0,62}$'; then die "--id \"$ID\": must match ^[a-z0-9][a-z0-9._-]{0,62}\$"; fi
case "$PROFILE" in ""|host|poller) ;; *) die "--profile \"$PROFILE\": expected host or poller" ;; esac
case "$PASSWORD" in *"'"*|*'
'*) die "--mqtt-password: must not contain a quote or a newline" ;; esac

run() { if [ "$DRY_RUN" = 1 ]; then echo "would run: $*"; else "$@"; fi; }
if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" -ne 0 ]; then die "must run as root (or use --dry-run)"; fi

if [ -n "$BINARY" ]; then
  [ -f "$BINARY" ] || die "--binary $BINARY: no such file"
  PROGRAM=/usr/lib/outpost-agent/outpost-agent SOURCE=$BINARY
else
  [ -f "$HERE/outpost-agent.js" ] || die "$HERE/outpost-agent.js missing: run install.sh from the unpacked tarball"
  if ! command -v node >/dev/null 2>&1 || ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
    die "Node.js >= 20 is required (or install the single executable: --binary outpost-agent-<version>-linux-x64)"
  fi
  PROGRAM=/usr/lib/outpost-agent/outpost-agent.js SOURCE=$HERE/outpost-agent.js
fi

# 1. the service user (no login, no home of its own)
getent group outpost >/dev/null 2>&1 || run groupadd --system outpost
if ! getent passwd outpost >/dev/null 2>&1; then
  nologin=/usr/sbin/nologin; [ -x "$nologin" ] || nologin=/sbin/nologin
  run useradd --system --gid outpost --no-create-home --home-dir /var/lib/outpost-agent --shell "$nologin" outpost
fi

# 2. the program (replacing a previous one: the single executable and the bundle exclude each other)
run install -d -m 0755 /usr/lib/outpost-agent
run rm -f /usr/lib/outpost-agent/outpost-agent /usr/lib/outpost-agent/outpost-agent.js
run install -m 0755 "$SOURCE" "$PROGRAM"
run ln -sfn "$PROGRAM" /usr/bin/outpost-agent
run install -d -m 0755 /usr/share/outpost-agent
run install -m 0644 "$HERE/agent.example.yaml" /usr/share/outpost-agent/agent.example.yaml

# 3. config (only if none exists) and state
run install -d -m 0750 -o root -g outpost /etc/outpost
if [ -e /etc/outpost/agent.yaml ]; then
  echo "keeping existing /etc/outpost/agent.yaml"
  [ -z "$ID$URL" ] || echo "install.sh: --id/--mqtt-url not applied to the existing agent.yaml: edit it" >&2
elif [ "$DRY_RUN" = 1 ]; then
  echo "would write: /etc/outpost/agent.yaml (from agent.example.yaml${ID:+, id $ID}${URL:+, url $URL}${PASSWORD:+, username + password})"
else
  tmp=$(mktemp)
  URL=$(printf '%s' "$URL" | sed 's/[&|\\]/\\&/g') # literal in sed's replacement
  sed -e "" ${ID:+-e "s|^  # id: web-01\$|  id: $ID|"} \
      ${URL:+-e "s|^  url: mqtt://127.0.0.1:1883\$|  url: \"$URL\"|"} \
      ${PASSWORD:+-e "s|^  # username: web-01\$|  username: ${ID:-$(hostname | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9._-]/-/g')}|" -e 's|^  # password: \${OUTPOST_MQTT_PASSWORD}$|  password: ${OUTPOST_MQTT_PASSWORD}|'} \
      "$HERE/agent.example.yaml" >"$tmp"
  install -m 0640 -o root -g outpost "$tmp" /etc/outpost/agent.yaml
  rm -f "$tmp"
fi
if [ ! -e /etc/outpost/agent.env ]; then run install -m 0640 -o root -g outpost "$HERE/agent.env" /etc/outpost/agent.env; fi
set_env() { # KEY VALUE: replaces the KEY line (commented or not) of agent.env, or appends one
  if [ "$DRY_RUN" = 1 ]; then echo "would set $1 in /etc/outpost/agent.env"; return; fi
  grep -v -E "^#?$1=" /etc/outpost/agent.env >/etc/outpost/agent.env.tmp || true
  printf "%s='%s'\n" "$1" "$2" >>/etc/outpost/agent.env.tmp
  chmod 0640 /etc/outpost/agent.env.tmp; chown root:outpost /etc/outpost/agent.env.tmp
  mv /etc/outpost/agent.env.tmp /etc/outpost/agent.env
}
[ -z "$PROFILE" ] || set_env OUTPOST_AGENT_PROFILE "$PROFILE"
[ -z "$PASSWORD" ] || set_env OUTPOST_MQTT_PASSWORD "$PASSWORD"
run install -d -m 0750 -o outpost -g outpost /var/lib/outpost-agent

# 4. the unit (admin-installed units live in /etc/systemd/system), enabled; started if the config validates
run install -m 0644 "$HERE/outpost-agent.service" /etc/systemd/system/outpost-agent.service
valid() { ( set -a; . /etc/outpost/agent.env; set +a; /usr/bin/outpost-agent check-config --agent /etc/outpost/agent.yaml ); }
if [ "$DRY_RUN" = 1 ]; then
  echo "would run: systemctl daemon-reload; systemctl enable outpost-agent; systemctl restart outpost-agent"
elif [ ! -d /run/systemd/system ]; then
  echo "systemd is not running here: start the agent with: outpost-agent agent --config /etc/outpost/agent.yaml"
  valid || die "fix /etc/outpost/agent.yaml (the problems are listed above)"
else
  systemctl daemon-reload
  systemctl enable outpost-agent.service
  if ! valid; then die "fix /etc/outpost/agent.yaml (the problems are listed above), then: systemctl restart outpost-agent"; fi
  [ "$START" = 0 ] || systemctl restart outpost-agent.service
fi
echo "outpost-agent $(/usr/bin/outpost-agent --version 2>/dev/null || echo '') installed$( [ "$DRY_RUN" = 1 ] && echo ' (dry run: nothing changed)')"
