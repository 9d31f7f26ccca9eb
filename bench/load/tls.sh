#!/usr/bin/env bash
# HTTPS load test on loopback: the same client (hey, which does not verify certificates, so every
# proxy's minted/bumped certificate is accepted) against an nginx HTTPS origin
#   direct              no proxy
#   egressguard-splice  CONNECT tunnel to a host in Tls:Bypass (bytes relayed, nothing decrypted)
#   egressguard-intercept  CONNECT, TLS to the client with a minted certificate, the Kestrel
#                       pipeline, inspection, decision, ledger, then TLS to the origin (validated
#                       against Tls:UpstreamTrust)
#   squid-splice        Debian's squid-openssl, `ssl_bump splice` for that address
#   squid-bump          the same Squid, `ssl_bump peek step1`, `stare step2`, `bump all` (certificates minted by
#                       security_file_certgen, upstream validated against the origin CA)
# Scenarios: small GETs and 10 KB POSTs over kept-alive connections (requests/s), 1 MiB GETs
# (MB/s), and small GETs on a new connection each (CONNECT + handshakes per request).
# Prints markdown tables on stdout (progress on stderr). Everything it starts is stopped on exit;
# every socket the measurement opens is on 127.0.0.0/8 (only apt-get, when packages are missing,
# and `dotnet publish` use the network). Run as root if packages need installing.
#
# Knobs (environment): ROUNDS=3, C=50 connections, WARMUP_SECONDS=5 per target and scenario,
# N_GET=20000, N_POST=10000, N_BIG=1000, N_NEWCONN=3000 requests per round, EGRESSGUARD_DIR=a
# published egressguard to reuse, KEEP_WORK=1 keeps the temp dir, WAIT_IDLE_MINUTES=0,
# SCENARIOS="get post big newconn", TARGETS="direct egressguard-splice egressguard-intercept
# squid-splice squid-bump".
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=lib.sh
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
C="${C:-50}"
WARMUP_SECONDS="${WARMUP_SECONDS:-5}"
N_GET="${N_GET:-20000}"
N_POST="${N_POST:-10000}"
N_BIG="${N_BIG:-1000}"
N_NEWCONN="${N_NEWCONN:-3000}"
WAIT_IDLE_MINUTES="${WAIT_IDLE_MINUTES:-0}"
SCENARIOS="${SCENARIOS:-get post big newconn}"
TARGETS="${TARGETS:-direct egressguard-splice egressguard-intercept squid-splice squid-bump}"
ORIGIN_ADDRESS=127.0.0.3
SPLICE_ADDRESS=127.0.0.5
POST_BYTES=10240
BIG_BYTES=1048576

# --- packages -------------------------------------------------------------------------------
missing=()
command -v hey >/dev/null || missing+=(hey)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
# ssl-bump needs the OpenSSL build of Squid (Debian's `squid` is the GnuTLS build; the two conflict).
{ /usr/sbin/squid -v 2>/dev/null | grep -q -- --with-openssl && [ -x /usr/lib/squid/security_file_certgen ]; } || missing+=(squid-openssl)
install_missing "${missing[@]}"

# The origin listens on 443: hey sends its Host header as the TLS server name, and with a port in it
# (https://127.0.0.3:PORT) that name matches no certificate, which Squid (rightly) refuses upstream.
ORIGIN_PORT=443
for a in "$ORIGIN_ADDRESS" "$SPLICE_ADDRESS"; do
  ! ss -Hltn "sport = :443" | grep -qE "($a|0\.0\.0\.0|\*|\[::\]):443" || die "port 443 on $a is taken (the origin needs it)"
done
free_port; SQUID_PORT="$FREE_PORT"
free_port; EGRESSGUARD_PORT="$FREE_PORT"
NGINX_DIR="$work/nginx"
SQUID_DIR="$work/squid"
mkdir -p "$NGINX_DIR/www" "$SQUID_DIR" "$work/egressguard" "$work/pki"
chmod 0777 "$SQUID_DIR" # Squid started as root drops to its effective user (proxy) and writes here

# --- PKI: the origin's CA and certificate, Squid's bumping CA -------------------------------------
ca() { # ca NAME CN: a P-256 CA certificate and key
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$2" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$work/pki/$1.key" -out "$work/pki/$1.pem" 2>/dev/null || die "openssl: CA $1"
}
ca origin-ca "EgressGuard load-test origin CA"
ca squid-ca "EgressGuard load-test Squid bumping CA"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=origin.bench.test" \
  -keyout "$NGINX_DIR/origin.key" -out "$work/pki/origin.csr" 2>/dev/null || die "openssl: origin key"
# The clients dial IP literals (no name resolution to set up). Squid 5.7 matches an IP literal
# CONNECT target only against DNS-type names, .NET and curl only against IP-type names: list both.
printf 'subjectAltName=IP:%s,IP:%s,DNS:%s,DNS:%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
  "$ORIGIN_ADDRESS" "$SPLICE_ADDRESS" "$ORIGIN_ADDRESS" "$SPLICE_ADDRESS" >"$work/pki/origin.ext"
openssl x509 -req -in "$work/pki/origin.csr" -CA "$work/pki/origin-ca.pem" -CAkey "$work/pki/origin-ca.key" \
  -CAcreateserial -days 2 -extfile "$work/pki/origin.ext" -out "$NGINX_DIR/origin.pem" 2>/dev/null || die "openssl: origin certificate"
cp "$work/pki/origin-ca.pem" "$work/pki/squid-ca.pem" "$work/pki/squid-ca.key" "$SQUID_DIR/"
chmod 0644 "$SQUID_DIR"/*.pem "$SQUID_DIR"/*.key
ORIGIN_CA="$work/pki/origin-ca.pem"

# --- bodies -----------------------------------------------------------------------------------
order_json "$work/body-10k.json" "$POST_BYTES"
head -c "$BIG_BYTES" /dev/urandom >"$NGINX_DIR/www/1m"

# --- origin: nginx with TLS -------------------------------------------------------------------
fill "$here/tls-nginx.conf.template" "$NGINX_DIR/nginx.conf"
nginx -t -q -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" || die "nginx config test failed"
nginx -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" 2>"$NGINX_DIR/stderr.log" &
nginx_pid=$!
started+=("$nginx_pid")
origin="https://$ORIGIN_ADDRESS"
spliced="https://$SPLICE_ADDRESS"
wait_http "nginx" "$nginx_pid" "$NGINX_DIR/error.log" --cacert "$ORIGIN_CA" "$origin/small" || die "nginx did not start"
log "origin nginx on $origin and $spliced (pid $nginx_pid)"

# --- squid-openssl ----------------------------------------------------------------------------
/usr/lib/squid/security_file_certgen -c -s "$SQUID_DIR/ssl_db" -M 16MB >/dev/null || die "security_file_certgen -c failed"
chown -R proxy: "$SQUID_DIR/ssl_db" 2>/dev/null || chmod -R a+rwX "$SQUID_DIR/ssl_db"
fill "$here/tls-squid.conf.template" "$SQUID_DIR/squid.conf"
squid -n egtlsbench -k parse -f "$SQUID_DIR/squid.conf" >"$SQUID_DIR/parse.log" 2>&1 || { cat "$SQUID_DIR/parse.log" >&2; die "squid config does not parse"; }
# Its own service name: shared-memory segments are named after it, and another Squid on the box
# (run.sh's, or a system one) must not remove ours when it stops.
squid -n egtlsbench -N -f "$SQUID_DIR/squid.conf" >"$SQUID_DIR/stdout.log" 2>&1 &
squid_pid=$!
started+=("$squid_pid")
wait_http "squid" "$squid_pid" "$SQUID_DIR/cache.log" --cacert "$SQUID_DIR/squid-ca.pem" -x "http://127.0.0.1:$SQUID_PORT" "$origin/small" \
  || die "squid does not bump to the origin"
log "squid $(squid -v | awk 'NR==1{print $4}') (OpenSSL, ssl-bump) on 127.0.0.1:$SQUID_PORT (pid $squid_pid)"

# --- egressguard ------------------------------------------------------------------------------
publish_egressguard
fill "$here/tls-egressguard.json.template" "$work/egressguard/egressguard.json"
cp "$here/assessments.json.template" "$work/egressguard/assessments.json"
cfg="$work/egressguard/egressguard.json"
"$EGRESSGUARD_DIR/egressguard" config check "$cfg" >&2 || die "egressguard config check failed"
(cd "$work/egressguard" && exec "$EGRESSGUARD_DIR/egressguard" run --config "$cfg") >"$work/egressguard/stdout.log" 2>&1 &
egressguard_pid=$!
started+=("$egressguard_pid")
wait_http "egressguard" "$egressguard_pid" "$work/egressguard/stdout.log" "http://127.0.0.1:$EGRESSGUARD_PORT/healthz" \
  || die "egressguard did not start"
(cd "$work/egressguard" && "$EGRESSGUARD_DIR/egressguard" ca export --config "$cfg" --out "$work/pki/egressguard-ca.pem") >&2 \
  || die "egressguard ca export failed"
wait_http "egressguard (intercepting)" "$egressguard_pid" "$work/egressguard/stdout.log" \
  --cacert "$work/pki/egressguard-ca.pem" -x "http://127.0.0.1:$EGRESSGUARD_PORT" "$origin/small" || die "egressguard does not intercept to the origin"
log "egressguard on 127.0.0.1:$EGRESSGUARD_PORT (pid $egressguard_pid, Tls:Mode Intercept, bypass $SPLICE_ADDRESS)"

# --- checks: who signed what the client sees ------------------------------------------------------
issuer() { # issuer PROXY-URL URL: the issuer CN of the certificate the client got
  curl -sk -o /dev/null -w '%{certs}' --max-time 5 ${1:+-x "$1"} "$2" | awk '/^Issuer:/ { sub(/^Issuer: */, ""); print; exit }'
}
check_issuer() { # check_issuer WHAT PROXY URL EXPECTED-SUBSTRING
  local got
  got="$(issuer "$2" "$3")"
  [[ "$got" == *"$4"* ]] || die "$1: the client saw a certificate issued by '$got', expected '$4'"
  log "check: $1 → issued by $got"
}
eg="http://127.0.0.1:$EGRESSGUARD_PORT"
sq="http://127.0.0.1:$SQUID_PORT"
check_issuer "egressguard intercept" "$eg" "$origin/small" "EgressGuard"
check_issuer "egressguard splice" "$eg" "$spliced/small" "load-test origin CA"
check_issuer "squid bump" "$sq" "$origin/small" "Squid bumping CA"
check_issuer "squid splice" "$sq" "$spliced/small" "load-test origin CA"
for p in "$eg" "$sq"; do
  [ "$(curl -sk -x "$p" -X POST -H 'Content-Type: application/json' --data-binary "@$work/body-10k.json" "$origin/upload")" = stored ] \
    || die "POST through $p failed"
  [ "$(curl -sk -x "$p" "$origin/1m" | wc -c)" = "$BIG_BYTES" ] || die "1 MiB GET through $p is short"
done

# --- measurement ----------------------------------------------------------------------------
proxy_of() { case "$1" in direct) echo "" ;; egressguard-*) echo "$eg" ;; squid-*) echo "$sq" ;; esac; }
server_pid_of() { case "$1" in direct) echo "$nginx_pid" ;; egressguard-*) echo "$egressguard_pid" ;; squid-*) echo "$squid_pid" ;; esac; }
base_of() { case "$1" in *-splice) echo "$spliced" ;; *) echo "$origin" ;; esac; }
count_of() { case "$1" in get) echo "$N_GET" ;; post) echo "$N_POST" ;; big) echo "$N_BIG" ;; newconn) echo "$N_NEWCONN" ;; esac; }
bytes_of() { case "$1" in post) echo "$POST_BYTES" ;; big) echo "$BIG_BYTES" ;; *) echo 3 ;; esac; }

# run_hey OUT TARGET SCENARIO EXTRA-HEY-ARGS...: one hey run (hey_measure in lib.sh).
run_hey() {
  local out="$1" target="$2" scenario="$3" url
  shift 3
  url="$(base_of "$target")"
  case "$scenario" in
    get) url+=/small ;;
    newconn) set -- "$@" -disable-keepalive; url+=/small ;;
    post) set -- "$@" -m POST -D "$work/body-10k.json" -T application/json; url+=/upload ;;
    big) url+=/1m ;;
  esac
  hey_measure "$out" "$target" "$(proxy_of "$target")" "$(server_pid_of "$target")" "$nginx_pid" "$(bytes_of "$scenario")" "$url" "$@"
}

((WAIT_IDLE_MINUTES > 0)) && wait_idle "$WAIT_IDLE_MINUTES"
read -r -a scenarios <<<"$SCENARIOS"
read -r -a targets <<<"$TARGETS"
declare -A R ALL

median() { # median KEY: keeps the median round by requests/s
  R["$1"]="$(sort -g -k1,1 "$work/$1.all" | sed -n "$(((ROUNDS + 1) / 2))p")"
  ALL["$1"]="$(awk '{ out = out (NR > 1 ? ", " : "") sprintf("%.0f", $1) } END { print out }' "$work/$1.all")"
}
paired() { # paired A B EXPR: the median over rounds of EXPR of a[] (round r of A) and b[] (of B)
  paste -d'|' "$work/$1.all" "$work/$2.all" | awk -F'|' '{ split($1, a, " "); split($2, b, " "); print '"$3"' }' \
    | sort -g | sed -n "$(((ROUNDS + 1) / 2))p"
}

for scenario in "${scenarios[@]}"; do
  for target in "${targets[@]}"; do
    log "warm-up  $scenario via $target (${WARMUP_SECONDS} s)"
    run_hey "$work/warm-$scenario-$target" "$target" "$scenario" -z "${WARMUP_SECONDS}s" -c "$C"
  done
done
for round in $(seq "$ROUNDS"); do
  for scenario in "${scenarios[@]}"; do
    for target in "${targets[@]}"; do
      k="$scenario-$target"
      log "round $round/$ROUNDS: $scenario via $target ($(count_of "$scenario") requests, $C connections)"
      run_hey "$work/$k-$round" "$target" "$scenario" -n "$(count_of "$scenario")" -c "$C"
      cat "$work/$k-$round.res" >>"$work/$k.all"
      log "         $(cat "$work/$k-$round.res")"
    done
  done
done
for scenario in "${scenarios[@]}"; do for target in "${targets[@]}"; do median "$scenario-$target"; done; done

stop_all # flushes the ledger; the query below opens it read-only
reasons="$(cd "$work/egressguard" && "$EGRESSGUARD_DIR/egressguard" ledger query --config "$cfg" --limit 1000000 --format csv \
  | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "reason") r = i; next } { n[$r]++ }
    END { for (k in n) { printf "%s%s %d", sep, k, n[k]; sep = ", " } }')" || reasons="(ledger query failed)"

# --- report ---------------------------------------------------------------------------------
field() { echo "${R[$1]}" | awk -v i="$2" '{print $i}'; }
name() {
  case "$1" in
    get) echo "GET 3 B, kept-alive" ;; post) echo "POST 10 KB JSON, kept-alive" ;;
    big) echo "GET 1 MiB, kept-alive" ;; newconn) echo "GET 3 B, new connection each" ;;
  esac
}
echo "### HTTPS through the proxies: hey -c $C, median of $ROUNDS rounds (after ${WARMUP_SECONDS} s of warm-up per target and scenario)"
echo
echo "| scenario | target | requests/s | payload MB/s | p50 ms | p99 ms | proxy CPU (cores) | proxy CPU µs/request | nginx CPU | hey CPU | other CPU | non-200 / errors | requests/s of each round |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
for scenario in "${scenarios[@]}"; do
  for target in "${targets[@]}"; do
    k="$scenario-$target"
    proxy_cpu="$(field "$k" 4)"; us="$(field "$k" 11)"; [ "$target" = direct ] && proxy_cpu="–" && us="–"
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s |\n' "$(name "$scenario")" "$target" \
      "$(field "$k" 1)" "$(field "$k" 12)" "$(field "$k" 2)" "$(field "$k" 3)" "$proxy_cpu" "$us" "$(field "$k" 5)" \
      "$(field "$k" 6)" "$(field "$k" 10)" "$(field "$k" 8)" "$(field "$k" 9)" "${ALL[$k]}"
  done
done
echo
if [[ " ${targets[*]} " == *" egressguard-intercept "* && " ${targets[*]} " == *" squid-bump "* ]]; then
  echo "Paired ratios (median over rounds of each round's ratio; targets run back to back within a round):"
  echo
  echo "| scenario | intercept / Squid bump requests/s | Squid bump / intercept CPU per request | splice / Squid splice requests/s | intercept / splice requests/s |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for scenario in "${scenarios[@]}"; do
    echo "| $(name "$scenario") | $(paired "$scenario-egressguard-intercept" "$scenario-squid-bump" 'sprintf("%.2f", a[1] / b[1])') |" \
      "$(paired "$scenario-squid-bump" "$scenario-egressguard-intercept" 'sprintf("%.2f", (b[11] > 0 ? a[11] / b[11] : 0))') |" \
      "$(paired "$scenario-egressguard-splice" "$scenario-squid-splice" 'sprintf("%.2f", a[1] / b[1])') |" \
      "$(paired "$scenario-egressguard-intercept" "$scenario-egressguard-splice" 'sprintf("%.2f", a[1] / b[1])') |"
  done
  echo
fi
echo "EgressGuard ledger, records by reason (every request and tunnel through it, warm-ups and checks included): ${reasons:-none}."
echo "Payload MB/s = requests/s × body bytes (10,240 up for POST, 1,048,576 down for the 1 MiB GET). CPU columns: CPU seconds during the run / wall seconds ($ncpu cores = $ncpu.00)."
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
