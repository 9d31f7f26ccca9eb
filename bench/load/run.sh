#!/usr/bin/env bash
# Side-by-side HTTP load test on loopback: the same client (hey) against
#   direct       nginx origin on 127.0.0.3, no proxy
#   egressguard  `egressguard run` (Release publish), Mode Enforce, full decision path
#   squid        Debian's Squid, no cache, no access log, one worker
#   bare         (control, CONTROLS=1) a bare YARP forwarder (bare-forwarder/: IHttpForwarder and a plain
#                SocketsHttpHandler, nothing else): the ceiling of any proxy built on YARP here
# for small GETs and 10 KB POSTs at full speed (fixed request count), then a rate-limited
# "moderate load" run that measures the p99 latency each proxy adds over direct.
# Prints markdown tables on stdout (progress goes to stderr). Everything it starts is stopped on
# exit; every socket the measurement opens is on 127.0.0.0/8 (only apt-get, when packages are
# missing, and the package restore of `dotnet publish` use the network). Run as root if packages
# need installing.
#
# Knobs (environment): N=40000 requests per full-speed run, C=50 concurrent connections,
# WARMUP_SECONDS=10 of unmeasured load per target and scenario first, ROUNDS=3 (every cell is the
# median round; all rounds are listed), MODERATE_RPS=1000 total
# requests/s with MODERATE_C=10 connections for MODERATE_SECONDS=15, EGRESSGUARD_DIR=a published
# egressguard to reuse (skips `dotnet publish`), KEEP_WORK=1 keeps the temp dir (configs, logs),
# EGRESSGUARD_LOG_LEVEL=Warning (Information = per-request console lines, the shipped default),
# INSPECTION=true (false switches EgressGuard's content inspection off, to see what it costs),
# WAIT_IDLE_MINUTES=0 (on a shared box: wait up to this long for 5 s with < 0.25 cores busy),
# PARTS="full moderate" (either alone runs only that part), CONTROLS=1 (0 drops the bare YARP
# control), BARE_DIR=a published bare-forwarder to reuse.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
N="${N:-40000}"
C="${C:-50}"
WARMUP_SECONDS="${WARMUP_SECONDS:-10}"
ROUNDS="${ROUNDS:-3}"
MODERATE_RPS="${MODERATE_RPS:-1000}"
MODERATE_C="${MODERATE_C:-10}"
MODERATE_SECONDS="${MODERATE_SECONDS:-15}"
EGRESSGUARD_DIR="${EGRESSGUARD_DIR:-}"
KEEP_WORK="${KEEP_WORK:-0}"
EGRESSGUARD_LOG_LEVEL="${EGRESSGUARD_LOG_LEVEL:-Warning}"
INSPECTION="${INSPECTION:-true}"
WAIT_IDLE_MINUTES="${WAIT_IDLE_MINUTES:-0}"
PARTS="${PARTS:-full moderate}"
CONTROLS="${CONTROLS:-1}"
BARE_DIR="${BARE_DIR:-}"
ORIGIN_ADDRESS=127.0.0.3
POST_BYTES=10240

# shellcheck source=lib.sh
. "$here/lib.sh"

# --- packages -------------------------------------------------------------------------------
missing=()
command -v hey >/dev/null || missing+=(hey)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v squid >/dev/null || [ -x /usr/sbin/squid ] || missing+=(squid)
command -v curl >/dev/null || missing+=(curl)
install_missing "${missing[@]}"
command -v dotnet >/dev/null || [ -n "$EGRESSGUARD_DIR" ] || die "dotnet SDK not found (needed to publish egressguard)"

free_port; ORIGIN_PORT="$FREE_PORT"
free_port; SQUID_PORT="$FREE_PORT"
free_port; EGRESSGUARD_PORT="$FREE_PORT"
NGINX_DIR="$work/nginx"
SQUID_DIR="$work/squid"
origin="http://$ORIGIN_ADDRESS:$ORIGIN_PORT"
order_json "$work/body-10k.json" "$POST_BYTES"

# --- origin: nginx ----------------------------------------------------------------------------
mkdir -p "$work/nginx"
fill "$here/nginx.conf.template" "$work/nginx/nginx.conf"
nginx -t -q -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" || die "nginx config test failed"
nginx -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" 2>"$work/nginx/stderr.log" &
nginx_pid=$!
started+=("$nginx_pid")
wait_http "nginx" "$nginx_pid" "$work/nginx/error.log" "$origin/small" || die "nginx did not start"
[ "$(curl -s -X POST --data-binary "@$work/body-10k.json" "$origin/upload")" = stored ] || die "nginx POST check failed"
log "origin nginx on $origin (pid $nginx_pid)"

# --- squid ----------------------------------------------------------------------------------
mkdir -p "$work/squid"
chmod 0777 "$work/squid" # Squid started as root drops to its effective user (proxy) and writes here
fill "$here/squid.conf.template" "$work/squid/squid.conf"
squid -k parse -f "$work/squid/squid.conf" >"$work/squid/parse.log" 2>&1 || { cat "$work/squid/parse.log" >&2; die "squid config does not parse"; }
# One retry on a fresh port: Squid occasionally exits at start-up on a busy box (e.g. the port was
# taken between the check and the bind).
for attempt in 1 2; do
  squid -N -f "$work/squid/squid.conf" >"$work/squid/stdout.log" 2>&1 &
  squid_pid=$!
  started+=("$squid_pid")
  if wait_http "squid" "$squid_pid" "$work/squid/cache.log" -x "http://127.0.0.1:$SQUID_PORT" "$origin/small"; then break; fi
  tail -n 5 "$work/squid/stdout.log" >&2 || true
  ((attempt == 1)) || die "squid did not start"
  free_port; SQUID_PORT="$FREE_PORT"
  fill "$here/squid.conf.template" "$work/squid/squid.conf"
done
ss -Hltn "sport = :$SQUID_PORT" | grep -q . || die "squid is not listening on 127.0.0.1:$SQUID_PORT"
log "squid $(squid -v | awk 'NR==1{print $4}') on 127.0.0.1:$SQUID_PORT (pid $squid_pid)"

# --- egressguard ----------------------------------------------------------------------------
publish_egressguard
mkdir -p "$work/egressguard"
fill "$here/egressguard.json.template" "$work/egressguard/egressguard.json"
cp "$here/assessments.json.template" "$work/egressguard/assessments.json"
"$EGRESSGUARD_DIR/egressguard" config check "$work/egressguard/egressguard.json" >&2 || die "egressguard config check failed"
# The config's "Logging" section is validated but (today) not applied by `egressguard run`, which
# logs at Information: three console lines per request (EgressGuard's decision line and two of
# YARP's). The standard ASP.NET Core environment variable does reach the logger, so set the level
# there too. EGRESSGUARD_LOG_LEVEL=Information measures what a default install does.
(cd "$work/egressguard" && Logging__LogLevel__Default="$EGRESSGUARD_LOG_LEVEL" \
  exec "$EGRESSGUARD_DIR/egressguard" run --config "$work/egressguard/egressguard.json") \
  >"$work/egressguard/stdout.log" 2>&1 &
egressguard_pid=$!
started+=("$egressguard_pid")
wait_http "egressguard" "$egressguard_pid" "$work/egressguard/stdout.log" "http://127.0.0.1:$EGRESSGUARD_PORT/healthz" \
  || die "egressguard did not start"
wait_http "egressguard (proxying)" "$egressguard_pid" "$work/egressguard/stdout.log" -x "http://127.0.0.1:$EGRESSGUARD_PORT" "$origin/small" \
  || die "egressguard does not proxy to the origin"
[ "$(curl -s -x "http://127.0.0.1:$EGRESSGUARD_PORT" -X POST -H 'Content-Type: application/json' --data-binary "@$work/body-10k.json" "$origin/upload")" = stored ] \
  || die "POST through egressguard failed"
log "egressguard on 127.0.0.1:$EGRESSGUARD_PORT (pid $egressguard_pid, inspection $INSPECTION, log level $EGRESSGUARD_LOG_LEVEL, geo $GEO_DATABASE)"

# --- control: a bare YARP forwarder ---------------------------------------------------------
if [ "$CONTROLS" = 1 ]; then
  free_port; BARE_PORT="$FREE_PORT"
  publish_bare
  (exec "$BARE_DIR/bare-forwarder" "$BARE_PORT" "$origin") >"$work/bare.log" 2>&1 &
  bare_pid=$!
  started+=("$bare_pid")
  wait_http "bare forwarder" "$bare_pid" "$work/bare.log" -x "http://127.0.0.1:$BARE_PORT" "$origin/small" || die "bare forwarder did not start"
fi

# --- measurement ----------------------------------------------------------------------------
proxy_of() { case "$1" in direct) echo "" ;; egressguard) echo "http://127.0.0.1:$EGRESSGUARD_PORT" ;; squid) echo "http://127.0.0.1:$SQUID_PORT" ;; bare) echo "http://127.0.0.1:$BARE_PORT" ;; esac; }
server_pid_of() { case "$1" in direct) echo "$nginx_pid" ;; egressguard) echo "$egressguard_pid" ;; squid) echo "$squid_pid" ;; bare) echo "$bare_pid" ;; esac; }

# run_hey OUT TARGET SCENARIO EXTRA-HEY-ARGS...: one hey run (hey_measure in lib.sh).
run_hey() {
  local out="$1" target="$2" scenario="$3"
  shift 3
  case "$scenario" in
    get) hey_measure "$out" "$target" "$(proxy_of "$target")" "$(server_pid_of "$target")" "$nginx_pid" 3 "$origin/small" "$@" ;;
    post) hey_measure "$out" "$target" "$(proxy_of "$target")" "$(server_pid_of "$target")" "$nginx_pid" "$POST_BYTES" "$origin/upload" \
      "$@" -m POST -D "$work/body-10k.json" -T application/json ;;
  esac
}

((WAIT_IDLE_MINUTES > 0)) && wait_idle "$WAIT_IDLE_MINUTES"

targets=(direct egressguard squid)
[ "$CONTROLS" = 1 ] && targets+=(bare)
declare -A R   # key -> the median round's result line
declare -A ALL # key -> every round's requests/s (or p99), for the table

# median KEY SORT-FIELD: keeps the median of the rounds' result lines (by requests/s or by p99).
median() {
  local key="$1" field="$2"
  R["$key"]="$(sort -g -k"$field","$field" "$work/$key.all" | sed -n "$(((ROUNDS + 1) / 2))p")"
  ALL["$key"]="$(awk -v f="$field" '{ v = sprintf(f == 1 ? "%.0f" : "%.1f", $f); out = out (NR > 1 ? ", " : "") v } END { print out }' "$work/$key.all")"
}

# paired A B EXPR: the median over rounds of EXPR, an awk expression of a (round r of key A) and
# b (round r of key B), each a whole result line split into fields a[1..] and b[1..].
paired() {
  paste -d'|' "$work/$1.all" "$work/$2.all" | awk -F'|' '{ split($1, a, " "); split($2, b, " "); print '"$3"' }' \
    | sort -g | sed -n "$(((ROUNDS + 1) / 2))p"
}

# Warm-up by time, not count: tiered compilation (with PGO) of Kestrel, YARP and the proxy's own
# code runs for seconds on a background thread and must be finished before measuring.
for scenario in get post; do
  for target in "${targets[@]}"; do
    log "warm-up  $scenario via $target (${WARMUP_SECONDS} s)"
    run_hey "$work/warm-$scenario-$target" "$target" "$scenario" -z "${WARMUP_SECONDS}s" -c "$C"
  done
done

# Rounds interleave the targets, so a burst of unrelated load on a shared box hits all of them.
[[ " $PARTS " == *" full "* ]] && for round in $(seq "$ROUNDS"); do
  for scenario in get post; do
    for target in "${targets[@]}"; do
      k="full-$scenario-$target"
      log "round $round/$ROUNDS: $scenario via $target ($N requests, $C connections)"
      run_hey "$work/$k-$round" "$target" "$scenario" -n "$N" -c "$C"
      cat "$work/$k-$round.res" >>"$work/$k.all"
      log "         $(cat "$work/$k-$round.res")"
    done
  done
done
[[ " $PARTS " == *" full "* ]] && for scenario in get post; do for target in "${targets[@]}"; do median "full-$scenario-$target" 1; done; done

per_conn=$((MODERATE_RPS / MODERATE_C))
moderate_n=$((MODERATE_RPS * MODERATE_SECONDS))
[[ " $PARTS " == *" moderate "* ]] && for round in $(seq "$ROUNDS"); do
  for scenario in get post; do
    for target in "${targets[@]}"; do
      k="mod-$scenario-$target"
      log "round $round/$ROUNDS: moderate $scenario via $target ($moderate_n requests at $MODERATE_RPS/s)"
      run_hey "$work/$k-$round" "$target" "$scenario" -n "$moderate_n" -c "$MODERATE_C" -q "$per_conn"
      cat "$work/$k-$round.res" >>"$work/$k.all"
      log "         $(cat "$work/$k-$round.res")"
    done
  done
done
[[ " $PARTS " == *" moderate "* ]] && for scenario in get post; do for target in "${targets[@]}"; do median "mod-$scenario-$target" 3; done; done

# Proof that the decision path ran: every request through egressguard is in its ledger.
stop_all # flushes the ledger; egressguard's ledger query opens it read-only afterwards
reasons="$("$EGRESSGUARD_DIR/egressguard" ledger query --config "$work/egressguard/egressguard.json" \
  --limit 1000000 --format csv | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "reason") r = i; next }
    { n[$r]++ } END { for (k in n) { printf "%s%s %d", sep, k, n[k]; sep = ", " } }')" || reasons="(ledger query failed)"
log_lines="$(grep -c . "$work/egressguard/stdout.log" || true)"

# --- report ---------------------------------------------------------------------------------
field() { echo "${R[$1]}" | awk -v i="$2" '{print $i}'; }
name() { case "$1" in get) echo "GET 3 B response" ;; post) echo "POST 10 KB body" ;; esac; }

if [[ " $PARTS " == *" full "* ]]; then
echo "### Full speed: hey -n $N -c $C, median of $ROUNDS rounds (after ${WARMUP_SECONDS} s of warm-up per target and scenario)"
echo
echo "| scenario | target | requests/s | p50 ms | p99 ms | proxy CPU (cores) | proxy CPU µs/request | nginx CPU | hey CPU | other CPU | non-200 / errors | requests/s of each round |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
for scenario in get post; do
  for target in "${targets[@]}"; do
    k="full-$scenario-$target"
    proxy_cpu="$(field "$k" 4)"; us="$(field "$k" 11)"; [ "$target" = direct ] && proxy_cpu="–" && us="–"
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s |\n' "$(name "$scenario")" "$target" \
      "$(field "$k" 1)" "$(field "$k" 2)" "$(field "$k" 3)" "$proxy_cpu" "$us" "$(field "$k" 5)" "$(field "$k" 6)" "$(field "$k" 10)" "$(field "$k" 8)" "$(field "$k" 9)" "${ALL[$k]}"
  done
done
echo
echo "Ratios are the median over rounds of each round's ratio (targets run back to back within a round)."
echo
echo "| scenario | EgressGuard / Squid requests/s | target ≥ 2.0 | Squid / EgressGuard CPU per request |"
echo "| --- | ---: | --- | ---: |"
for scenario in get post; do
  ratio="$(paired "full-$scenario-egressguard" "full-$scenario-squid" 'sprintf("%.2f", a[1] / b[1])')"
  verdict="$(awk -v r="$ratio" 'BEGIN { print (r >= 2.0 ? "met" : "missed") }')"
  cpu_ratio="$(paired "full-$scenario-squid" "full-$scenario-egressguard" 'sprintf("%.2f", (b[11] > 0 ? a[11] / b[11] : 0))')"
  echo "| $(name "$scenario") | $ratio | $verdict | $cpu_ratio |"
done
echo
if [ "$CONTROLS" = 1 ]; then
  echo "Control: the bare YARP forwarder (no policy, no ledger, no inspection) against the same Squid, same rounds."
  echo
  echo "| scenario | bare YARP / Squid requests/s | EgressGuard / bare YARP requests/s | Squid / bare YARP CPU per request |"
  echo "| --- | ---: | ---: | ---: |"
  for scenario in get post; do
    echo "| $(name "$scenario") | $(paired "full-$scenario-bare" "full-$scenario-squid" 'sprintf("%.2f", a[1] / b[1])') | $(paired "full-$scenario-egressguard" "full-$scenario-bare" 'sprintf("%.2f", a[1] / b[1])') | $(paired "full-$scenario-squid" "full-$scenario-bare" 'sprintf("%.2f", (b[11] > 0 ? a[11] / b[11] : 0))') |"
  done
  echo
fi
fi
if [[ " $PARTS " == *" moderate "* ]]; then
echo "### Moderate load: hey -n $moderate_n -c $MODERATE_C -q $per_conn (≈ $MODERATE_RPS requests/s in total), median of $ROUNDS rounds by p99"
echo
echo "Added p99: the median over rounds of (this target's p99 − direct's p99 in the same round)."
echo
echo "| scenario | target | requests/s | p50 ms | p99 ms | added p99 vs direct (ms) | target ≤ 1 ms | proxy CPU (cores) | other CPU | p99 ms of each round |"
echo "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |"
for scenario in get post; do
  for target in "${targets[@]}"; do
    k="mod-$scenario-$target"
    if [ "$target" = direct ]; then added="–"; verdict=""; else
      added="$(paired "$k" "mod-$scenario-direct" 'sprintf("%.1f", a[3] - b[3])')"
      verdict="$(awk -v d="$added" 'BEGIN { print (d <= 1.0 ? "met" : "missed") }')"
      [ "$target" != egressguard ] && verdict="($verdict)"
    fi
    proxy_cpu="$(field "$k" 4)"; [ "$target" = direct ] && proxy_cpu="–"
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "$(name "$scenario")" "$target" \
      "$(field "$k" 1)" "$(field "$k" 2)" "$(field "$k" 3)" "$added" "$verdict" "$proxy_cpu" "$(field "$k" 10)" "${ALL[$k]}"
  done
done
echo
fi
echo "EgressGuard ledger, records by reason (every request through it, warm-ups and checks included): ${reasons:-none}; $log_lines lines on its console."
echo "hey reports latency to 0.1 ms (4 decimals of a second). CPU columns: CPU seconds used during the run / wall seconds ($(nproc) cores = $(nproc).00); \"other\" is everything else busy on the machine meanwhile (0 on an idle box)."
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
