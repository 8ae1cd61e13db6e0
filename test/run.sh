#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, builds, runs the whole suite, and
# ends with one line "N passed, N failed, N skipped". Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests start for real (Debian 12 / Ubuntu names).
PACKAGES=(mosquitto mosquitto-clients iputils-ping iproute2 procps snmpd snmp snmpsim influxdb victoria-metrics openssl fonts-wqy-microhei poppler-utils rpm binutils chromium postgresql)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  echo "test/run.sh: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian packages start their own daemons; tests start their own instances on free ports instead.
if [[ $(id -u) -eq 0 ]] && command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
  systemctl stop mosquitto snmpd influxdb victoria-metrics prometheus-node-exporter 2>/dev/null || true
fi

npm ci --no-audit --no-fund --loglevel=error
npm run build --silent

results=$(mktemp)
status=0
OUTPOST_TEST_BUILT=1 npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
# The last line is the count CI records; a suite that failed to load (no test failed inside it) still counts as a
# failure, and a run that produced no report at all is "0 passed, 1 failed".
node -e '
  const [file, vitestStatus] = process.argv.slice(1);
  let r;
  try { r = JSON.parse(require("fs").readFileSync(file, "utf8")); } catch { console.log("vitest wrote no report"); console.log("0 passed, 1 failed"); process.exit(1); }
  const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
  let failed = r.numFailedTests || 0;
  if (failed === 0 && vitestStatus !== "0") failed = Math.max(1, r.numFailedTestSuites || 0);
  if (r.numTotalTests === 0) { console.log("no tests ran"); failed = Math.max(failed, 1); }
  console.log(`${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed > 0 ? 1 : 0);
' "$results" "$status" || status=1
rm -f "$results"
exit "$status"
