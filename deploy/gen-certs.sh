#!/usr/bin/env bash
# Generates a private CA and certificates for the broker and for each agent (client certificates), with openssl.
# Usage: deploy/gen-certs.sh OUT_DIR BROKER_HOSTNAME [AGENT_ID...]
#   OUT_DIR/ca.crt ca.key broker.crt broker.key <agent>.crt <agent>.key
# Existing files are kept (re-running adds missing agents). Keys are mode 0600; the CA key never leaves OUT_DIR.
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 OUT_DIR BROKER_HOSTNAME [AGENT_ID...]" >&2
  exit 2
fi
out=$1
broker=$2
shift 2
days=${OUTPOST_CERT_DAYS:-825}
mkdir -p "$out"
umask 077

if [[ ! -f "$out/ca.key" ]]; then
  openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 3650 -subj "/CN=Outpost CA" \
    -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
fi

# issue NAME CN SAN EKU
issue() {
  local name=$1 cn=$2 san=$3 eku=$4
  [[ -f "$out/$name.crt" ]] && return 0
  local ext
  ext=$(mktemp)
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=%s\nsubjectAltName=%s\n' "$eku" "$san" >"$ext"
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$cn" -keyout "$out/$name.key" -out "$out/$name.csr" 2>/dev/null
  openssl x509 -req -in "$out/$name.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -days "$days" -sha256 \
    -extfile "$ext" -out "$out/$name.crt" 2>/dev/null
  rm -f "$out/$name.csr" "$ext"
}

if [[ $broker =~ ^[0-9.]+$ ]]; then san="IP:$broker"; else san="DNS:$broker"; fi
issue broker "$broker" "$san,DNS:localhost,IP:127.0.0.1" serverAuth
for agent in "$@"; do
  if [[ ! $agent =~ ^[a-z0-9][a-z0-9._-]{0,62}$ ]]; then
    echo "bad agent id: $agent (must match ^[a-z0-9][a-z0-9._-]{0,62}\$)" >&2
    exit 2
  fi
  issue "$agent" "$agent" "DNS:$agent" clientAuth
done
chmod 0644 "$out"/*.crt
echo "certificates in $out: ca.crt broker.crt $(printf '%s.crt ' "$@")"
