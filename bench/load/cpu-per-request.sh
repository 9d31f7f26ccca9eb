#!/usr/bin/env bash
# CPU-seconds and bytes allocated per request of a proxy process, for small GETs and 10 KB JSON
# POSTs through the nginx origin of run.sh, with a bare YARP forwarder (bare-forwarder/) as the
# control and up to two EgressGuard builds (before/after), all interleaved round by round so that
# load drift on a shared machine hits every target alike. What is measured is load-independent
# (CPU time the process used, bytes it allocated), not wall-clock speed.
#
#   bench/load/cpu-per-request.sh                          # publishes src/EgressGuard from this tree
#   EGRESSGUARD_DIR=/tmp/new EGRESSGUARD_B_DIR=/tmp/old bench/load/cpu-per-request.sh   # A/B
#
# Knobs (environment): DURATION=10 seconds of load per measured run (hey -z), C=20 connections, ROUNDS=3,
# WARMUP_SECONDS=10 (unmeasured load per target and scenario first: tiered JIT/PGO), INSPECTION=true,
# EGRESSGUARD_DIR (published egressguard to measure; default: publish this tree), EGRESSGUARD_B_DIR
# (a second one, e.g. the build before a change) with EGRESSGUARD_B_ENV="VAR=value ..." (runtime
# knobs such as DOTNET_gcServer=0 for that instance only), EGRESSGUARD_C_DIR/_ENV a third, BARE_DIR (published bare forwarder; default:
# publish bench/load/bare-forwarder), SCENARIOS="get post", KEEP_WORK=1.
# Allocation per request needs dotnet-counters (`dotnet tool install -g dotnet-counters`); without
# it that column is empty. Needs hey, nginx, curl (see run.sh). Loopback only.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DURATION="${DURATION:-10}"
C="${C:-20}"
ROUNDS="${ROUNDS:-3}"
WARMUP_SECONDS="${WARMUP_SECONDS:-10}"
INSPECTION="${INSPECTION:-true}"
SCENARIOS="${SCENARIOS:-get post}"
KEEP_WORK="${KEEP_WORK:-0}"
ORIGIN_ADDRESS=127.0.0.3
POST_BYTES=10240
export PATH="$PATH:/usr/sbin:/sbin:$HOME/.dotnet/tools"

# shellcheck source=lib.sh
. "$here/lib.sh"
for tool in hey nginx curl; do command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y hey nginx curl)"; done
counters="$(command -v dotnet-counters || true)"
[ -n "$counters" ] || log "dotnet-counters not found: no allocation figures"

free_port; ORIGIN_PORT="$FREE_PORT"
NGINX_DIR="$work/nginx"
origin="http://$ORIGIN_ADDRESS:$ORIGIN_PORT"
order_json "$work/body-10k.json" "$POST_BYTES"

mkdir -p "$work/nginx"
fill "$here/nginx.conf.template" "$work/nginx/nginx.conf"
nginx -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" 2>"$work/nginx/stderr.log" &
started+=("$!")
wait_http nginx "$!" "$work/nginx/error.log" "$origin/small" || die "nginx did not start"

# --- the targets ------------------------------------------------------------------------------
publish_bare
if [ -z "${EGRESSGUARD_DIR:-}" ]; then
  EGRESSGUARD_DIR="$work/egressguard-publish"
  log "publishing src/EgressGuard"
  dotnet publish "$root/src/EgressGuard" -c Release -o "$EGRESSGUARD_DIR" -nologo -v quiet >"$work/eg-publish.log" 2>&1 || { tail "$work/eg-publish.log" >&2; die "publish failed"; }
fi

declare -A PID PROXY
targets=(bare)
free_port; port="$FREE_PORT"
(exec "$BARE_DIR/bare-forwarder" "$port" "$origin") >"$work/bare.log" 2>&1 &
PID[bare]=$!; PROXY[bare]="http://127.0.0.1:$port"; started+=("$!")
wait_http "bare forwarder" "${PID[bare]}" "$work/bare.log" -x "${PROXY[bare]}" "$origin/small" || die "bare forwarder did not start"

start_egressguard() { # start_egressguard NAME DIR [VAR=VALUE...]
  local name="$1" dir="$2" port
  shift 2
  free_port; port="$FREE_PORT"
  free_port # each instance its own console port (the console and its /metrics exporter run as in run.sh)
  GEO_DATABASE="$dir/geo/geo-whois-asn-country.mmdb"
  [ -f "$GEO_DATABASE" ] || GEO_DATABASE="$root/tests/data/geoip/GeoIP2-Country-Test.mmdb"
  mkdir -p "$work/$name"
  EGRESSGUARD_PORT="$port" fill "$here/egressguard.json.template" "$work/$name/egressguard.json"
  cp "$here/assessments.json.template" "$work/$name/assessments.json"
  (cd "$work/$name" && exec env Logging__LogLevel__Default=Warning EGRESSGUARD__Console__Listen__0="127.0.0.1:$FREE_PORT" "$@" "$dir/egressguard" run --config "$work/$name/egressguard.json") >"$work/$name/stdout.log" 2>&1 &
  PID[$name]=$!; PROXY[$name]="http://127.0.0.1:$port"; started+=("$!")
  wait_http "$name" "${PID[$name]}" "$work/$name/stdout.log" -x "${PROXY[$name]}" "$origin/small" || die "$name did not start"
  targets+=("$name")
}
start_egressguard egressguard "$EGRESSGUARD_DIR"
# shellcheck disable=SC2086 # the *_ENV knobs are word lists on purpose
[ -n "${EGRESSGUARD_B_DIR:-}" ] && start_egressguard egressguard-b "$EGRESSGUARD_B_DIR" ${EGRESSGUARD_B_ENV:-}
# shellcheck disable=SC2086
[ -n "${EGRESSGUARD_C_DIR:-}" ] && start_egressguard egressguard-c "$EGRESSGUARD_C_DIR" ${EGRESSGUARD_C_ENV:-}
log "targets: ${targets[*]} (origin $origin, inspection $INSPECTION)"

# --- measurement --------------------------------------------------------------------------------
# Context switches of every thread of the process (voluntary + involuntary): each is a thread that
# went to sleep or was preempted — hand-offs between threads show up here, whatever the load.
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }

# run TARGET SCENARIO OUT HEY-ARGS...: one hey run; appends
# "cpu_us_per_request bytes_per_request rps ok context_switches_per_request" to OUT.
run() {
  local target="$1" scenario="$2" out="$3" pid t0 t1 x0 x1 cpid=""
  shift 3
  pid="${PID[$target]}"
  local args=(-x "${PROXY[$target]}")
  local url="$origin/small"
  [ "$scenario" = post ] && { url="$origin/upload"; args+=(-m POST -D "$work/body-10k.json" -T application/json); }
  if [ -n "$counters" ] && [ "$out" != "$work/warm" ]; then
    # --duration: dotnet-counters writes its file only when it ends by itself (a signal loses it).
    rm -f "$out.counters.csv"
    "$counters" collect -p "$pid" --counters 'System.Runtime[dotnet.gc.heap.total_allocated]' --refresh-interval 1 \
      --format csv -o "$out.counters.csv" --duration "00:00:00:$((DURATION + 8))" </dev/null >/dev/null 2>&1 &
    cpid=$!
    sleep 4 # session up and idle samples taken before the requests start
  fi
  t0="$(ticks "$pid")"; x0="$(switches "$pid")"
  hey "$@" "${args[@]}" "$url" >"$out.hey.txt" 2>&1
  t1="$(ticks "$pid")"; x1="$(switches "$pid")"
  [ -n "$cpid" ] && wait "$cpid" 2>/dev/null || true
  [ "$out" != "$work/warm" ] || return 0
  local ok rps bytes=""
  ok="$(awk '/^ +\[200\]/ { ok += $2 } END { print ok + 0 }' "$out.hey.txt")"
  rps="$(awk '/Requests\/sec:/ { print $2 }' "$out.hey.txt")"
  # total_allocated is a cumulative counter; dotnet-counters writes its rate per interval: the sum
  # over the session is what the process allocated meanwhile (idle seconds add next to nothing).
  # The counters session itself allocates a little every second (≈ 30 KB/s, seen idle): the
  # smallest sample is taken as that floor and subtracted from every sample.
  [ -f "$out.counters.csv" ] && bytes="$(awk -F, 'tolower($0) ~ /total_allocated/ { v[++n] = $NF; if (n == 1 || $NF < m) m = $NF }
    END { for (i = 1; i <= n; i++) s += v[i] - m; if (n) printf "%.0f", s }' "$out.counters.csv")"
  awk -v t="$((t1 - t0))" -v hz="$clk_tck" -v ok="$ok" -v rps="$rps" -v b="$bytes" -v x="$((x1 - x0))" \
    'BEGIN { printf "%.1f %s %s %d %.2f\n", ok ? t / hz / ok * 1e6 : 0, (b != "" && ok ? sprintf("%.0f", b / ok) : "-"), rps, ok, ok ? x / ok : 0 }' >>"$out"
}

for scenario in $SCENARIOS; do
  for target in "${targets[@]}"; do
    log "warm-up $scenario via $target (${WARMUP_SECONDS} s)"
    run "$target" "$scenario" "$work/warm" -z "${WARMUP_SECONDS}s" -c "$C" >/dev/null
  done
done
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  for scenario in $SCENARIOS; do
    for target in "${targets[@]}"; do
      run "$target" "$scenario" "$work/$scenario-$target" -z "${DURATION}s" -c "$C"
      log "round $round/$ROUNDS $scenario via $target: $(tail -1 "$work/$scenario-$target")  (µs CPU/request, B/request, requests/s, 200s, context switches/request)"
    done
  done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "| scenario | target | CPU µs/request (median) | each round | bytes allocated/request (median) | each round | context switches/request (median) | requests/s (median, load-dependent) |"
echo "| --- | --- | ---: | --- | ---: | --- | ---: | ---: |"
med() { sort -g | sed -n "$(((ROUNDS + 1) / 2))p"; }
for scenario in $SCENARIOS; do
  for target in "${targets[@]}"; do
    f="$work/$scenario-$target"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$scenario" "$target" \
      "$(cut -d' ' -f1 "$f" | med)" "$(cut -d' ' -f1 "$f" | paste -sd' ')" \
      "$(cut -d' ' -f2 "$f" | med)" "$(cut -d' ' -f2 "$f" | paste -sd' ')" "$(cut -d' ' -f5 "$f" | med)" "$(cut -d' ' -f3 "$f" | med)"
  done
done
echo
echo "hey -z ${DURATION}s -c $C per run, $ROUNDS rounds interleaved, ${WARMUP_SECONDS} s warm-up each; inspection $INSPECTION; load average $load_start at the start, $load_end at the end ($(nproc) cores)."
echo "egressguard = $EGRESSGUARD_DIR${EGRESSGUARD_B_DIR:+; egressguard-b = $EGRESSGUARD_B_DIR ${EGRESSGUARD_B_ENV:-}}${EGRESSGUARD_C_DIR:+; egressguard-c = $EGRESSGUARD_C_DIR ${EGRESSGUARD_C_ENV:-}}"
