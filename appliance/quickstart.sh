#!/usr/bin/env bash
# Installs what the appliance needs on a fresh Debian machine (as root), fetches the pinned country
# database, builds, and runs `egressguard run` on embedded defaults: explicit proxy on 127.0.0.1:3128,
# data under ./data (the directory you run this from), the bundled country database, Monitor mode.
# Extra arguments go to `egressguard run` (e.g. --config config/egressguard.json).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

missing=()
command -v npm >/dev/null || missing+=(npm)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "quickstart: missing ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
command -v dotnet >/dev/null || { echo "quickstart: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

"$repo/appliance/fetch-geo.sh"
dotnet publish "$repo/src/EgressGuard/EgressGuard.csproj" -c Release -o "$repo/appliance/bin" -nologo -v quiet
exec "$repo/appliance/bin/egressguard" run "$@"
