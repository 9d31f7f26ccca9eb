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

# install_missing PACKAGE...: apt-get installs the packages (root only; otherwise an error naming
# them). Puts the sbin folders on PATH either way.
install_missing() {
  if (($#)); then
    [ "$(id -u)" = 0 ] || die "missing $*: run as root, or apt-get install -y $*"
    log "installing $*"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
  fi
  export PATH="$PATH:/usr/sbin:/sbin"
}

# free_port: sets FREE_PORT to a free TCP port on loopback not handed out before (no subshell, so
# the list of ports taken and $RANDOM advance).
taken=" "
free_port() {
  local p
  for _ in $(seq 500); do
    # Below Linux's ephemeral range (32768-60999 by default): a port up there can be taken between
    # this check and the bind by any outgoing connection (the load tools open thousands).
    p=$((10000 + RANDOM % 22000))
    if [[ "$taken" != *" $p "* ]] && ! ss -Hatn "sport = :$p" | grep -q .; then
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

# publish_bare: sets BARE_DIR to a published bench/load/bare-forwarder (published into the work dir
# unless BARE_DIR already names one).
publish_bare() {
  if [ -z "${BARE_DIR:-}" ]; then
    BARE_DIR="$work/bare"
    log "publishing bench/load/bare-forwarder"
    dotnet publish "$root/bench/load/bare-forwarder" -c Release -o "$BARE_DIR" -nologo -v quiet >"$work/bare-publish.log" 2>&1 \
      || { tail "$work/bare-publish.log" >&2; die "publish failed"; }
  fi
  [ -x "$BARE_DIR/bare-forwarder" ] || die "no bare-forwarder executable in $BARE_DIR"
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

# hey_measure OUT TARGET PROXY SERVER-PID NGINX-PID BODY-BYTES URL HEY-ARGS...: one hey run (through
# PROXY unless empty) with CPU accounting; writes OUT.txt (hey's report) and OUT.res, one line:
# "rps p50ms p99ms proxy-cores nginx-cores hey-cores ok bad errors other-cores proxy-cpu-us-per-request MB/s"
# (MB/s = requests/s × BODY-BYTES; TARGET "direct" has no proxy columns). A run hey could not finish
# is an error.
hey_measure() {
  local out="$1" target="$2" proxy="$3" server="$4" nginx="$5" bytes="$6" url="$7"
  shift 7
  local args=() n0 n1 s0 s1 b0 b1 a0 a1 cu cs
  [ -n "$proxy" ] && args+=(-x "$proxy")
  s0="$(ticks "$server")"; n0="$(ticks "$nginx")"; read -r b0 a0 < <(busy)
  TIMEFORMAT='%U %S'
  { time hey "$@" "${args[@]}" "$url" >"$out.txt" 2>&1; } 2>"$out.cpu" || true
  grep -q 'Requests/sec:' "$out.txt" || { tail -n 5 "$out.txt" >&2; die "hey did not finish a run via $target ($url)"; }
  read -r b1 a1 < <(busy); s1="$(ticks "$server")"; n1="$(ticks "$nginx")"
  read -r cu cs <"$out.cpu"
  awk -v all="$((a1 - a0))" -v ncpu="$ncpu" -v s="$((s1 - s0))" -v n="$((n1 - n0))" -v b="$((b1 - b0))" -v hz="$clk_tck" \
      -v cu="$cu" -v cs="$cs" -v target="$target" -v bytes="$bytes" '
    /Requests\/sec:/ { rps = $2 }
    /^ +50%+ in / { p50 = $3 * 1000 }
    /^ +99%+ in / { p99 = $3 * 1000 }
    /^ +\[200\]/ { ok += $2 }
    /^ +\[[0-9]+\]/ && !/\[200\]/ { bad += $2 }
    /Error distribution/ { err = 1 }
    END {
      wall = all / hz / ncpu
      proxy = target == "direct" ? 0 : s / hz / wall
      other = b / hz / wall - proxy - n / hz / wall - (cu + cs) / wall
      us = target == "direct" || ok == 0 ? 0 : s / hz / ok * 1e6
      printf "%s %.3f %.3f %.2f %.2f %.2f %d %d %d %.2f %.0f %.1f\n", rps, p50, p99, proxy, n / hz / wall, (cu + cs) / wall, ok, bad + 0, err + 0, (other < 0 ? 0 : other), us, rps * bytes / 1e6
    }' "$out.txt" >"$out.res"
}
