#!/usr/bin/env bash
# The Matrix homeserver the Matrix tests talk to: Synapse from PyPI in .build/synapse-venv,
# on loopback with SQLite and one application-service registration.
#
#   scripts/synapse-env.sh                 installs Synapse (safe to run again; quick when present)
#   scripts/synapse-env.sh serve DIR PORT REGISTRATION SHARED_SECRET
#                                          writes DIR/homeserver.yaml (server name `localhost`,
#                                          client API on 127.0.0.1:PORT, the registration file,
#                                          the shared secret of the admin registration API, rate
#                                          limits raised for tests) and runs Synapse in the
#                                          foreground until it is killed (the tests own it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/python-venv.sh" synapse matrix_synapse 1.163.2 matrix-synapse
[ "${1:-}" = "serve" ] || exit 0

dir=$2
port=$3
registration=$4
secret=$5
mkdir -p "$dir/media"
# An ed25519 signing key is a 32-byte seed in unpadded base64; no Python needed to make one.
[ -f "$dir/signing.key" ] || echo "ed25519 a_test $(head -c 32 /dev/urandom | base64 | tr -d '=\n')" >"$dir/signing.key"
cat >"$dir/log.yaml" <<LOG
version: 1
formatters: {plain: {format: '%(asctime)s %(levelname)s %(name)s %(message)s'}}
handlers: {console: {class: logging.StreamHandler, formatter: plain}}
root: {level: WARNING, handlers: [console]}
loggers: {synapse.app: {level: INFO}}
disable_existing_loggers: false
LOG
# Every rate limit is raised: the tests' people send faster than Synapse's defaults allow
# (0.2 messages/s), and the bots (the application service's users) are exempt through the
# registration's `rate_limited: false`.
cat >"$dir/homeserver.yaml" <<CONFIG
server_name: localhost
pid_file: $dir/homeserver.pid
public_baseurl: http://127.0.0.1:$port/
listeners:
  - {port: $port, bind_addresses: ['127.0.0.1'], type: http, tls: false, resources: [{names: [client], compress: false}]}
database: {name: sqlite3, args: {database: $dir/homeserver.db}}
log_config: $dir/log.yaml
media_store_path: $dir/media
signing_key_path: $dir/signing.key
registration_shared_secret: "$secret"
macaroon_secret_key: "$secret-macaroon"
form_secret: "$secret-form"
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
enable_metrics: false
app_service_config_files: [$registration]
rc_message: {per_second: 10000, burst_count: 10000}
rc_registration: {per_second: 10000, burst_count: 10000}
rc_login: {address: {per_second: 10000, burst_count: 10000}, account: {per_second: 10000, burst_count: 10000}}
rc_joins: {local: {per_second: 10000, burst_count: 10000}, remote: {per_second: 10000, burst_count: 10000}}
rc_invites: {per_room: {per_second: 10000, burst_count: 10000}, per_user: {per_second: 10000, burst_count: 10000}}
rc_3pid_validation: {per_second: 10000, burst_count: 10000}
CONFIG
exec "$root/.build/synapse-venv/bin/python3" -m synapse.app.homeserver -c "$dir/homeserver.yaml"
