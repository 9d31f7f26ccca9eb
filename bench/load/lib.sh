# Shared by the load scripts in this folder (sourced, not run): logging, a work dir whose
# processes are all stopped on exit, free loopback ports, template filling, waiting for a 200,
# and CPU accounting from /proc. The sourcing script sets `here` (this folder) first.

log() { printf '[load %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

KEEP_WORK="${KEEP_WORK:-0}"
work="$(mktemp -d /tmp/egressguard-load.XXXXXX)"
chmod 0755 "$work"
started=()   # pids of the processes the script started (each stops its own children)

stop_all() {
  local pid deadline
  for pid in "${started[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + 10))
  for pid in "${started[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  started=()
}
cleanup() {
  stop_all
  if [ "$KEEP_WORK" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port: sets FREE_PORT to a free TCP port on loopback not handed out before (no subshell, so
# the list of ports taken and $RANDOM advance).
taken=" "
free_port() {
  local p
  for _ in $(seq 500); do
    p=$((20000 + RANDOM % 40000))
    if [[ "$taken" != *" $p "* ]] && ! ss -Hltn "sport = :$p" | grep -q .; then
      taken+="$p "
      FREE_PORT="$p"
      return
    fi
  done
  die "no free port"
}

# order_json FILE SIZE: SIZE bytes of order-like JSON without personal information (what
# inspection sees most of the time), the POST body of the load runs.
order_json() {
  awk -v size="$2" 'BEGIN {
    s = "{\"orders\":["
    for (i = 1; length(s) < size - 200; i++) {
      s = s sprintf("%s{\"id\":%d,\"sku\":\"SKU-%06d\",\"qty\":%d,\"warehouse\":\"WH-%02d\",\"note\":\"standard shipping\"}", i > 1 ? "," : "", i, i * 7919 % 1000000, i % 9 + 1, i % 17)
    }
    s = s "],\"pad\":\""
    while (length(s) < size - 2) s = s "x"
    printf "%s\"}", s
  }' >"$1"
  [ "$(stat -c %s "$1")" = "$2" ] || die "$1 is not $2 bytes"
}

# fill TEMPLATE OUT: replaces every @VAR@ with the shell variable VAR (when set); an @VAR@ left
# outside a comment line is an error.
fill() {
  local content var line
  content="$(<"$1")"
  for var in $(grep -o '@[A-Z_][A-Z0-9_]*@' "$1" | sort -u | tr -d @); do
    [ -n "${!var+x}" ] && content="${content//@$var@/${!var}}"
  done
  printf '%s\n' "$content" >"$2"
  if line="$(grep -v '^ *#' "$2" | grep -n '@[A-Z_][A-Z0-9_]*@')"; then die "unfilled placeholder in $2: $line"; fi
}

# wait_http DESCRIPTION PID LOG CURL-ARGS...: until curl gets a 200 (returns 1 if the process dies,
# after showing the end of LOG).
wait_http() {
  local what="$1" pid="$2" logfile="$3"
  shift 3
  for _ in $(seq 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$what exited during start-up; the end of $logfile:"
      tail -n 15 "$logfile" >&2 || true
      return 1
    fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" || true)" = 200 ]; then return; fi
    sleep 0.1
  done
  die "$what did not answer 200 within 30 s"
}

# A published egressguard in EGRESSGUARD_DIR (published from the working tree when unset).
publish_egressguard() {
  if [ -z "${EGRESSGUARD_DIR:-}" ]; then
    command -v dotnet >/dev/null || die "dotnet SDK not found (needed to publish egressguard)"
    EGRESSGUARD_DIR="$work/publish"
    log "dotnet publish src/EgressGuard -c Release -o $EGRESSGUARD_DIR"
    dotnet publish "$root/src/EgressGuard" -c Release -o "$EGRESSGUARD_DIR" -nologo -v quiet >"$work/publish.log" 2>&1 \
      || { tail -30 "$work/publish.log" >&2; die "dotnet publish failed"; }
  fi
  [ -x "$EGRESSGUARD_DIR/egressguard" ] || die "no egressguard executable in $EGRESSGUARD_DIR"
  # The bundled database when appliance/fetch-geo.sh has fetched it, else MaxMind's test database:
  # the origin's country comes from the override either way.
  GEO_DATABASE="$EGRESSGUARD_DIR/geo/geo-whois-asn-country.mmdb"
  [ -f "$GEO_DATABASE" ] || GEO_DATABASE="$root/tests/data/geoip/GeoIP2-Country-Test.mmdb"
}

clk_tck="$(getconf CLK_TCK)"
ncpu="$(grep -c '^cpu[0-9]' /proc/stat)"

# CPU ticks (user+system) of a process and its direct children (nginx workers, Squid helpers).
ticks() {
  local total=0 p t
  for p in "$1" $(pgrep -P "$1" || true); do
    t="$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}')" || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

# Busy and total CPU ticks of the whole machine (busy = user+nice+system+irq+softirq+steal), to
# see what else ran. Total ticks / cores is the wall time on the same clock as the process ticks.
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }

# wait_idle MINUTES: on a shared box, wait up to MINUTES for 5 s with < 0.25 cores busy.
wait_idle() {
  local deadline=$((SECONDS + $1 * 60)) b0 a0 b1 a1 cores
  while :; do
    read -r b0 a0 < <(busy); sleep 5; read -r b1 a1 < <(busy)
    cores="$(awk -v b="$((b1 - b0))" -v a="$((a1 - a0))" -v n="$ncpu" 'BEGIN { printf "%.2f", (a > 0 ? b / a * n : 0) }')"
    if awk -v c="$cores" 'BEGIN { exit !(c < 0.25) }'; then log "machine idle ($cores cores busy): starting"; break; fi
    if ((SECONDS >= deadline)); then log "machine still busy ($cores cores) after $1 min: measuring anyway"; break; fi
    log "waiting for an idle machine ($cores cores busy by others)"
  done
}
