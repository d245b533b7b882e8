#!/usr/bin/env bash
# Installs every Debian package the build, the demo and the tests need.
# Idempotent: packages already present are not reinstalled, and apt is only
# refreshed when something is missing.
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build make pkg-config gcc clang
  gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 binutils-mingw-w64-x86-64 binutils-mingw-w64-i686
  libz-mingw-w64-dev libspice-protocol-dev dpkg-dev
  # sanitizers and fuzzers for the portable core; the one source style
  libclang-rt-14-dev clang-format
  # the real host (libspice-server) and client (spice-gtk through GI)
  libspice-server-dev libglib2.0-dev gir1.2-spiceclientglib-2.0 python3-gi
  # the Windows side under Wine, the display and the clipboard
  wine wine64 xserver-xorg-core xserver-xorg-video-dummy x11-xserver-utils xclip xdotool
  # the test host's display channel reads the X screen (libX11, MIT-SHM,
  # DAMAGE); xwd grabs the X screen for the screenshot check
  libx11-dev libxext-dev libxdamage-dev x11-apps
  # installer
  msitools wixl
  # a real SPICE client for a person (scripts/demo.sh --keep: remote-viewer)
  virt-viewer
  # misc used by tests
  socat procps valgrind
  # a sound server with a null sink, so Wine's mmdevapi has audio endpoints, and
  # spice-gtk's GStreamer audio backend, so the client syncs its volume (e2e_audio)
  pulseaudio pulseaudio-utils gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-pulseaudio
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null || { echo "bootstrap: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
else
  SUDO=
fi

echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# wine (32-bit parts) is optional here; we only need wine64, but the 'wine'
# package pulls in the launcher that the rig uses.
$SUDO apt-get update -q || { echo "bootstrap: apt-get update failed" >&2; exit 1; }
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  echo "bootstrap: could not install one of: ${missing[*]}" >&2
  for p in "${missing[@]}"; do
    apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: (none)' && echo "bootstrap: no candidate for package '$p'" >&2
  done
  exit 1
fi
echo "bootstrap: done"
