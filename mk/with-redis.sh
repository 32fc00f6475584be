#!/usr/bin/env bash
# Runs a command with a private redis-server on a free loopback port (no persistence), its URL in
# HXJWT_REDIS_URL; stops the server afterwards, whatever the command's outcome.
#   mk/with-redis.sh cargo run -p hxjwt --features redis --example fleet
set -euo pipefail
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
  --loglevel warning > "$dir/log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 500); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.02
done
HXJWT_REDIS_URL="redis://127.0.0.1:$port" "$@"
