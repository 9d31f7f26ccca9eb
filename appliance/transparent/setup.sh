#!/usr/bin/env bash
# Turns EgressGuard transparent mode on or off on this box (run as root).
#   appliance/transparent/setup.sh on  redirect|tproxy LAN_IF [PORT]
#   appliance/transparent/setup.sh off
# "on" loads the nftables rules (UDP/443 dropped), enables forwarding and, for tproxy, the policy
# routing that delivers marked packets locally. "off" removes the rules and the routing again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
action="${1:-}"
case "$action" in
  on)
    mode="${2:?redirect or tproxy}"; lan="${3:?LAN interface}"; port="${4:-3129}"
    sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    sed -e "s/^define LAN_IF = .*/define LAN_IF = \"$lan\"/" -e "s/^define EG_PORT = .*/define EG_PORT = $port/" \
      "$here/$mode.nft" | nft -f -
    if [ "$mode" = tproxy ]; then
      ip rule show | grep -q 'fwmark 0x1 lookup 100' || ip rule add fwmark 1 lookup 100
      ip route replace local 0.0.0.0/0 dev lo table 100
      ip -6 rule show | grep -q 'fwmark 0x1 lookup 100' || ip -6 rule add fwmark 1 lookup 100
      ip -6 route replace local ::/0 dev lo table 100
    fi
    echo "transparent mode on ($mode on $lan → :$port); set Transparent:Enabled=true, Transparent:Mode (Redirect or TProxy) and restart egressguard"
    ;;
  off)
    nft delete table inet egressguard 2>/dev/null || true
    ip rule del fwmark 1 lookup 100 2>/dev/null || true
    ip route flush table 100 2>/dev/null || true
    ip -6 rule del fwmark 1 lookup 100 2>/dev/null || true
    ip -6 route flush table 100 2>/dev/null || true
    echo "transparent mode off (rules and policy routing removed)"
    ;;
  *)
    echo "usage: $0 on redirect|tproxy LAN_IF [PORT] | off" >&2
    exit 2
    ;;
esac
