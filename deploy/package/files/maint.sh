# Shared by the .deb maintainer scripts and the .rpm scriptlets (deploy/package/deb.ts, rpm.ts prepend it).
# POSIX sh. Every step must also succeed where systemd is not running (containers, chroots, image builds).
OUTPOST_UNIT=outpost-agent.service

outpost_systemd_running() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

# The service user: no login, no home of its own (its state directory is /var/lib/outpost-agent).
outpost_user() {
  getent group outpost >/dev/null 2>&1 || groupadd --system outpost
  if ! getent passwd outpost >/dev/null 2>&1; then
    nologin=/usr/sbin/nologin; [ -x "$nologin" ] || nologin=/sbin/nologin
    useradd --system --gid outpost --no-create-home --home-dir /var/lib/outpost-agent --shell "$nologin" outpost
  fi
}

# The config may hold the MQTT password: readable by root and the service's group only.
outpost_perms() {
  chown root:outpost /etc/outpost /etc/outpost/agent.yaml /etc/outpost/agent.env
  chmod 0750 /etc/outpost
  chmod 0640 /etc/outpost/agent.yaml /etc/outpost/agent.env
  install -d -m 0750 -o outpost -g outpost /var/lib/outpost-agent
  chown outpost:outpost /var/lib/outpost-agent
}

outpost_config_valid() {
  ( set -a; [ -r /etc/outpost/agent.env ] && . /etc/outpost/agent.env; set +a
    /usr/bin/outpost-agent check-config --agent /etc/outpost/agent.yaml ) >/dev/null 2>&1
}

# First install: enabled (also works offline, e.g. in an image build), started only if systemd runs and the
# config validates (the shipped example points at 127.0.0.1; edit it first on a real server).
outpost_first_start() {
  if command -v systemctl >/dev/null 2>&1; then systemctl enable "$OUTPOST_UNIT" >/dev/null 2>&1 || true; fi
  if ! outpost_systemd_running; then
    echo "outpost-agent: systemd is not running here; start the agent with: outpost-agent agent --config /etc/outpost/agent.yaml" >&2
    return 0
  fi
  systemctl daemon-reload || true
  if outpost_config_valid; then
    systemctl start "$OUTPOST_UNIT" || echo "outpost-agent: start failed, see: journalctl -u outpost-agent" >&2
  else
    echo "outpost-agent: edit /etc/outpost/agent.yaml (check: outpost-agent check-config --agent /etc/outpost/agent.yaml), then: systemctl start outpost-agent" >&2
  fi
}

# Upgrade: a running agent is restarted on the new version (SIGTERM flushes; the spool and seq state stay).
outpost_restart() {
  outpost_systemd_running || return 0
  systemctl daemon-reload || true
  systemctl try-restart "$OUTPOST_UNIT" || echo "outpost-agent: restart failed, see: journalctl -u outpost-agent" >&2
}

outpost_stop() {
  outpost_systemd_running || return 0
  systemctl stop "$OUTPOST_UNIT" || true
}

outpost_daemon_reload() {
  outpost_systemd_running || return 0
  systemctl daemon-reload || true
}

# Purge: the enablement, the spool and seq state. The user stays (files elsewhere may still belong to it).
outpost_purge() {
  rm -f "/etc/systemd/system/multi-user.target.wants/$OUTPOST_UNIT"
  rm -rf /var/lib/outpost-agent
  rmdir /etc/outpost 2>/dev/null || true
}
