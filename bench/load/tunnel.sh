#!/usr/bin/env bash
# CONNECT tunnel bulk throughput on loopback (DESIGN.md: ≥ 80 % of a direct loopback copy):
# curl moves SIZE_MB of bytes to and from an nginx origin on 127.0.0.3, directly and through an
# EgressGuard CONNECT tunnel (`curl -p -x`), ROUNDS times each, interleaved. Prints a markdown
# table: MB/s per direction, the tunnel/direct ratio, and EgressGuard's CPU seconds per GiB
# relayed. Two controls show what any relaying proxy reaches on this machine: HAProxy 2.6 in TCP
# mode with splice(2) (zero-copy, the best case) and socat (a plain user-space copy loop), both
# plain TCP relays to the same origin (no CONNECT, no policy). Knobs: SIZE_MB=1024, ROUNDS=3,
# EGRESSGUARD_DIR (a published egressguard to reuse), CONTROLS=0 (skip them), KEEP_WORK=1, WAIT_IDLE_MINUTES=0.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

SIZE_MB="${SIZE_MB:-1024}"
ROUNDS="${ROUNDS:-3}"
WAIT_IDLE_MINUTES="${WAIT_IDLE_MINUTES:-0}"
CONTROLS="${CONTROLS:-1}"
ORIGIN_ADDRESS=127.0.0.3
export PATH="$PATH:/usr/sbin:/sbin"
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
if [ "$CONTROLS" = 1 ]; then
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v socat >/dev/null || missing+=(socat)
fi
install_missing "${missing[@]}"

free_port; ORIGIN_PORT="$FREE_PORT"
free_port; EGRESSGUARD_PORT="$FREE_PORT"
free_port; HAPROXY_PORT="$FREE_PORT"
free_port; SOCAT_PORT="$FREE_PORT"
mkdir -p "$work/www" "$work/egressguard"
head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom >"$work/www/blob"
cat >"$work/nginx.conf" <<CONF
daemon off; master_process on; worker_processes 1; pid $work/nginx.pid; error_log $work/error.log warn;
events { worker_connections 1024; }
http {
  access_log off; client_body_temp_path $work/body;
  server {
    listen $ORIGIN_ADDRESS:$ORIGIN_PORT; root $work/www; client_max_body_size 0;
    location = /blob { }
    location = /upload { return 200 "ok\n"; }
  }
}
CONF
nginx -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!
started+=("$nginx_pid")
origin="http://$ORIGIN_ADDRESS:$ORIGIN_PORT"
wait_http nginx "$nginx_pid" "$work/error.log" "$origin/upload" || die "nginx did not start"

vias=(direct tunnel)
if [ "$CONTROLS" = 1 ]; then
  cat >"$work/haproxy.cfg" <<CONF
global
  maxconn 100
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option splice-auto
frontend relay
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend origin
backend origin
  server o $ORIGIN_ADDRESS:$ORIGIN_PORT
CONF
  haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  started+=("$!")
  socat "TCP-LISTEN:$SOCAT_PORT,bind=127.0.0.1,reuseaddr,fork" "TCP:$ORIGIN_ADDRESS:$ORIGIN_PORT" >"$work/socat.log" 2>&1 &
  started+=("$!")
  wait_http haproxy "${started[-2]}" "$work/haproxy.log" "http://127.0.0.1:$HAPROXY_PORT/upload" || die "haproxy did not start"
  wait_http socat "${started[-1]}" "$work/socat.log" "http://127.0.0.1:$SOCAT_PORT/upload" || die "socat did not start"
  vias+=(haproxy socat)
fi

publish_egressguard
cat >"$work/egressguard/egressguard.json" <<CONF
{ "Mode": "Enforce", "DataDirectory": "./data",
  "Proxy": { "Listen": ["127.0.0.1:$EGRESSGUARD_PORT"], "AllowedClients": ["127.0.0.0/8"],
             "AllowPrivateDestinations": ["$ORIGIN_ADDRESS/32"], "ConnectPorts": [$ORIGIN_PORT] },
  "Geo": { "Database": "$GEO_DATABASE", "Overrides": [ { "Network": "$ORIGIN_ADDRESS/32", "Country": "CN" } ] },
  "Console": { "Enabled": false }, "Logging": { "LogLevel": { "Default": "Warning" } } }
CONF
(cd "$work/egressguard" && exec "$EGRESSGUARD_DIR/egressguard" run --config "$work/egressguard/egressguard.json") >"$work/egressguard/stdout.log" 2>&1 &
egressguard_pid=$!
started+=("$egressguard_pid")
wait_http egressguard "$egressguard_pid" "$work/egressguard/stdout.log" "http://127.0.0.1:$EGRESSGUARD_PORT/healthz" || die "egressguard did not start"
proxy=(-p -x "http://127.0.0.1:$EGRESSGUARD_PORT")

# one DIRECTION VIA: prints "MB/s proxy-ticks"
one() {
  local via=() t0 t1 speed url="$origin"
  case "$2" in
    tunnel) via=("${proxy[@]}") ;;
    haproxy) url="http://127.0.0.1:$HAPROXY_PORT" ;;
    socat) url="http://127.0.0.1:$SOCAT_PORT" ;;
  esac
  t0="$(ticks "$egressguard_pid")"
  if [ "$1" = up ]; then
    speed="$(curl -sS "${via[@]}" -o /dev/null -H 'Expect:' -w '%{speed_upload}' -T "$work/www/blob" "$url/upload")"
  else
    speed="$(curl -sS "${via[@]}" -o /dev/null -w '%{speed_download}' "$url/blob")"
  fi
  t1="$(ticks "$egressguard_pid")"
  echo "$speed $((t1 - t0))"
}

((WAIT_IDLE_MINUTES > 0)) && wait_idle "$WAIT_IDLE_MINUTES"
for round in $(seq "$ROUNDS"); do
  for dir in up down; do
    for via in "${vias[@]}"; do
      r="$(one "$dir" "$via")"
      echo "$r" >>"$work/$dir-$via.all"
      log "round $round: $dir $via: $r"
    done
  done
done

echo "### CONNECT tunnel bulk throughput: $SIZE_MB MiB per transfer, median of $ROUNDS rounds"
echo
echo "| direction | direct MB/s | tunnel MB/s | tunnel / direct | target ≥ 0.80 | EgressGuard CPU s per GiB | MB/s of each round (direct; tunnel) |"
echo "| --- | ---: | ---: | ---: | --- | ---: | --- |"
# med VIA / all VIA: the median round's line / every round's MB/s, for the direction in $dir.
med() { sort -g -k1,1 "$work/$dir-$1.all" | sed -n "$(((ROUNDS + 1) / 2))p"; }
for dir in up down; do
  all() { awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 / 1e6 }' "$work/$dir-$1.all"; }
  read -r d _ < <(med direct); read -r t tt < <(med tunnel)
  awk -v d="$d" -v t="$t" -v tt="$tt" -v hz="$clk_tck" -v mb="$SIZE_MB" -v dir="$dir" -v ad="$(all direct)" -v at="$(all tunnel)" \
    'BEGIN { r = t / d; printf "| %s (%s) | %.0f | %.0f | %.2f | %s | %.2f | %s; %s |\n", dir, (dir == "up" ? "client → origin" : "origin → client"), d / 1e6, t / 1e6, r, (r >= 0.8 ? "met" : "missed"), tt / hz / (mb / 1024), ad, at }'
done
echo
if [ "$CONTROLS" = 1 ]; then
  echo
  echo "Controls, same rounds (plain TCP relays to the same origin, no CONNECT, no policy): what a relaying proxy reaches here."
  echo
  echo "| direction | HAProxy splice MB/s | / direct | socat MB/s | / direct | EgressGuard tunnel / HAProxy splice |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for dir in up down; do
    read -r d _ < <(med direct); read -r t _ < <(med tunnel); read -r h _ < <(med haproxy); read -r x _ < <(med socat)
    awk -v d="$d" -v t="$t" -v h="$h" -v x="$x" -v dir="$dir" \
      'BEGIN { printf "| %s | %.0f | %.2f | %.0f | %.2f | %.2f |\n", dir, h / 1e6, h / d, x / 1e6, x / d, t / h }'
  done
fi
echo
echo "Direct: curl ↔ nginx on loopback (downloads with sendfile). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
