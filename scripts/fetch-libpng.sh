#!/usr/bin/env bash
# Fetches and unpacks Debian's libpng1.6 source package into DEST, with
# Debian's patches applied. Uses a private apt state directory so the
# system's package lists are never touched (an `apt-get update` with only a
# deb-src list against the default lists directory would empty them).
# Idempotent: does nothing when DEST already holds an unpacked tree.
set -euo pipefail

dest=${1:?usage: fetch-libpng.sh DEST_DIR}
pkg=libpng1.6

if [ -f "$dest/src/CMakeLists.txt" ]; then
  echo "fetch-libpng: using cached source in $dest/src"
  exit 0
fi

for tool in apt-get dpkg-source; do
  command -v "$tool" >/dev/null || { echo "fetch-libpng: '$tool' missing: run scripts/bootstrap.sh" >&2; exit 1; }
done

# The mirror is whatever the system's own Debian 'deb' entry uses, so this
# works on any Debian 12 machine without naming a host here.
uri=""
suite=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  suite=$(awk '/^Suites:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
  read -r uri suite < <(awk '$1=="deb" && $0 !~ /security/ {
      for (i=2;i<=NF;i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i, $(i+1); exit } }' /etc/apt/sources.list)
fi
[ -n "$uri" ] && [ -n "$suite" ] || { echo "fetch-libpng: no Debian 'deb' source found in /etc/apt" >&2; exit 1; }

state="$dest/apt"
rm -rf "$state" "$dest/src" "$dest/dl"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/parts" "$dest/dl"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb-src [signed-by=$keyring] $uri $suite main" > "$state/sources.list"

apt_opts=(-q
  -o "Dir::State::Lists=$state/lists"
  -o "Dir::Etc::SourceList=$state/sources.list"
  -o "Dir::Etc::SourceParts=$state/parts"
  -o "Dir::Cache=$state/cache"
  -o "APT::Sandbox::User=root")

echo "fetch-libpng: fetching $pkg source from the system's Debian mirror ($suite)"
apt-get "${apt_opts[@]}" update >"$state/update.log" 2>&1 \
  || { cat "$state/update.log" >&2; echo "fetch-libpng: apt-get update (private lists) failed" >&2; exit 1; }
(cd "$dest/dl" && apt-get "${apt_opts[@]}" source --download-only "$pkg") >"$state/source.log" 2>&1 \
  || { cat "$state/source.log" >&2; echo "fetch-libpng: apt-get source $pkg failed" >&2; exit 1; }

dsc=$(ls "$dest"/dl/${pkg}_*.dsc | head -n 1)
dpkg-source -x "$dsc" "$dest/src" >"$state/unpack.log" 2>&1 \
  || { cat "$state/unpack.log" >&2; echo "fetch-libpng: dpkg-source -x $dsc failed" >&2; exit 1; }
echo "fetch-libpng: unpacked $(basename "$dsc") into $dest/src"
