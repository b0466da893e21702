#!/usr/bin/env bash
# Fetches and builds what the real-device test boots, all of it cached outside the repository:
#   - QEMU with virtio-nsm, built from Debian's QEMU source package (bookworm-backports), because Debian's
#     own QEMU binaries are built without libcbor and so lack the device;
#   - a Debian kernel with CONFIG_NSM (cloud-amd64, nsm.ko as a module);
#   - busybox-static for the guest's init, seabios and QEMU's option ROMs for `-M pc`.
# Prints KEY=VALUE lines on stdout for run.mjs; everything else goes to stderr.
# Exit 77 with `SKIP=<reason>` on stdout when this machine cannot build or run the test.
set -euo pipefail
# The whole script is one block, so bash reads it completely before running it (a checkout that changes
# this file during a 6-minute build cannot change what the running build does).
{

if [ -n "${NSM_DEVICE_TEST_CACHE:-}" ]; then
  CACHE=$NSM_DEVICE_TEST_CACHE
elif mkdir -p /var/cache/nitro-enclaves-sdk 2>/dev/null && [ -w /var/cache/nitro-enclaves-sdk ]; then
  CACHE=/var/cache/nitro-enclaves-sdk
else
  CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/nitro-enclaves-sdk
fi
JOBS=${NSM_DEVICE_TEST_JOBS:-2}

log() { echo "[device-test] $*" >&2; }
skip() { echo "SKIP=$*"; exit 77; }

[ "$(uname -m)" = x86_64 ] || skip "the device test needs an x86_64 Linux host (this is $(uname -sm))"
command -v apt-get >/dev/null 2>&1 || skip "the device test needs a Debian host (apt-get not found)"
mkdir -p "$CACHE" 2>/dev/null || skip "cannot create the cache directory $CACHE (set NSM_DEVICE_TEST_CACHE)"
[ -w "$CACHE" ] || skip "cache directory $CACHE is not writable (set NSM_DEVICE_TEST_CACHE)"
# One preparation at a time per cache (a second run waits for the first one's QEMU build).
exec 9>"$CACHE/.lock"
flock -w 1800 9 || { echo "timed out waiting for another device-test preparation (lock $CACHE/.lock)" >&2; exit 1; }

free_mb() { df -Pm "$1" | awk 'NR==2 {print $4}'; }

# ---------------------------------------------------------------------------------------------------------
# A private apt configuration: Debian bookworm + bookworm-backports (with sources), its own lists and archive
# directory, so the machine's own apt sources are left alone.
APT_DIR=$CACHE/apt
mkdir -p "$APT_DIR"/{lists/partial,archives/partial,cache,etc/sources.list.d,etc/preferences.d,dl}
MIRROR=${NSM_DEVICE_TEST_MIRROR:-http://deb.debian.org}
cat >"$APT_DIR/etc/sources.list" <<EOF
deb $MIRROR/debian bookworm main
deb $MIRROR/debian bookworm-updates main
deb $MIRROR/debian-security bookworm-security main
deb $MIRROR/debian bookworm-backports main
deb-src $MIRROR/debian bookworm-backports main
EOF
cat >"$APT_DIR/apt.conf" <<EOF
Dir::Etc::SourceList "$APT_DIR/etc/sources.list";
Dir::Etc::SourceParts "$APT_DIR/etc/sources.list.d";
Dir::Etc::PreferencesParts "$APT_DIR/etc/preferences.d";
Dir::State::Lists "$APT_DIR/lists";
Dir::Cache "$APT_DIR/cache";
Dir::Cache::Archives "$APT_DIR/archives";
APT::Sandbox::User "root";
Acquire::http::Timeout "30";
Acquire::Retries "2";
EOF
export APT_CONFIG=$APT_DIR/apt.conf
export DEBIAN_FRONTEND=noninteractive

# Refresh the lists when they are older than six hours (or the mirror changed); without network, carry on
# with what is cached.
APT_OK=1
if [ "$(cat "$APT_DIR/mirror" 2>/dev/null)" != "$MIRROR" ]; then
  rm -rf "$APT_DIR/lists" && mkdir -p "$APT_DIR/lists/partial"
  echo "$MIRROR" >"$APT_DIR/mirror"
fi
if [ -z "$(find "$APT_DIR/lists" -maxdepth 1 -name '*backports*Sources*' -mmin -360 2>/dev/null)" ]; then
  log "apt-get update (private lists in $APT_DIR)"
  if ! apt-get -q update >"$APT_DIR/update.log" 2>&1 || grep -q '^[EW]: Failed to fetch' "$APT_DIR/update.log"; then
    APT_OK=0
    log "apt-get update failed (see $APT_DIR/update.log); using only what is already cached"
  fi
fi

# Host tools for assembling the guest: modinfo (kmod) to resolve module dependencies, xz to unpack modules.
need_tools=""
command -v modinfo >/dev/null 2>&1 || [ -x /sbin/modinfo ] || need_tools="$need_tools kmod"
command -v xz >/dev/null 2>&1 || need_tools="$need_tools xz-utils"
if [ -n "$need_tools" ]; then
  [ "$(id -u)" = 0 ] && [ "$APT_OK" = 1 ] || skip "missing host tools ($need_tools) and cannot install them"
  log "installing$need_tools"
  apt-get -q install -y --no-install-recommends $need_tools >"$APT_DIR/install-tools.log" 2>&1 \
    || skip "could not install$need_tools (see $APT_DIR/install-tools.log)"
fi

# newest cached entry matching a glob, or nothing
newest() { ls -1d $1 2>/dev/null | sort -V | tail -n 1 || true; }

# ---------------------------------------------------------------------------------------------------------
# QEMU. The devices config and flags below are what the cache key hashes.
DEVICES='CONFIG_I440FX=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_NSM=y'
CONFIGURE_FLAGS="--target-list=x86_64-softmmu --without-default-devices --with-devices-x86_64=nsm \
--without-default-features --enable-libcbor --enable-tcg --disable-docs --disable-install-blobs \
--disable-tools --disable-user --disable-werror --disable-download"
# The Debian source tarball lacks the edk2 firmware blobs that the build would otherwise unpack.
SOURCE_PATCH='s/unpack_edk2_blobs = bzip2.found()/unpack_edk2_blobs = false/'
FLAGS_HASH=$(printf '%s\n%s\n%s\n' "$DEVICES" "$CONFIGURE_FLAGS" "$SOURCE_PATCH" | sha256sum | cut -c1-12)

QEMU_SRC_VERSION=""
if [ "$APT_OK" = 1 ]; then
  QEMU_SRC_VERSION=$(apt-cache showsrc qemu 2>/dev/null | awk '/^Version:/ {print $2}' | sort -V | tail -n 1 || true)
fi
if [ -n "$QEMU_SRC_VERSION" ]; then
  QEMU_DIR=$CACHE/qemu-$(echo "$QEMU_SRC_VERSION" | tr ':~+' '_..')-$FLAGS_HASH
else
  QEMU_DIR=$(newest "$CACHE/qemu-*-$FLAGS_HASH")
  [ -n "$QEMU_DIR" ] || skip "no package access (apt-get update failed) and no cached QEMU in $CACHE"
fi

build_qemu() {
  local out=$1 work=$CACHE/build
  [ "$(free_mb "$CACHE")" -ge 3000 ] || skip "not enough space to build QEMU (need 3 GB free in $CACHE)"
  # Build dependencies: meson >= 1.5 and pycotap come from bookworm-backports; libcbor enables virtio-nsm.
  local deps="meson python3-pycotap python3 python3-venv ninja-build flex bison pkgconf gcc libc6-dev make libglib2.0-dev libcbor-dev zlib1g-dev xz-utils"
  local missing=""
  for p in $deps; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if ! dpkg --compare-versions "$(dpkg-query -W -f '${Version}' meson 2>/dev/null || echo 0)" ge 1.5; then
    missing="$missing meson"
  fi
  if [ -n "$missing" ]; then
    [ "$(id -u)" = 0 ] || skip "QEMU build dependencies missing ($missing) and not root to install them"
    log "installing QEMU build dependencies:$missing"
    # only meson and pycotap come from backports; "-t bookworm-backports" would upgrade unrelated libraries
    local spec="" p
    for p in $missing; do
      case $p in meson | python3-pycotap) spec="$spec $p/bookworm-backports" ;; *) spec="$spec $p" ;; esac
    done
    apt-get -q install -y --no-install-recommends $spec >"$APT_DIR/install.log" 2>&1 \
      || skip "could not install QEMU build dependencies (see $APT_DIR/install.log)"
  fi
  rm -rf "$work" && mkdir -p "$work"
  log "fetching the QEMU source package $QEMU_SRC_VERSION"
  # Only the upstream tarball matters (and some mirrors serve it without the .dsc); apt checks its hash.
  (cd "$work" && apt-get -q source --tar-only --download-only "qemu=$QEMU_SRC_VERSION" >"$work/source.log" 2>&1) || true
  local tarball
  tarball=$(ls "$work"/qemu_*.orig.tar.* 2>/dev/null | head -n 1)
  [ -n "$tarball" ] || skip "could not download the QEMU source package (see $work/source.log)"
  tar -C "$work" -xf "$tarball"
  local src
  src=$(ls -1d "$work"/qemu-*/ | head -n 1)
  sed -i "$SOURCE_PATCH" "$src/meson.build"
  printf '%s\n' "$DEVICES" >"$src/configs/devices/x86_64-softmmu/nsm.mak"
  mkdir -p "$src/b"
  log "configuring QEMU ($CONFIGURE_FLAGS)"
  # shellcheck disable=SC2086
  (cd "$src/b" && ../configure --python=/usr/bin/python3 $CONFIGURE_FLAGS) >"$work/configure.log" 2>&1 \
    || { tail -n 30 "$work/configure.log" >&2; echo "QEMU configure failed (see $work/configure.log)" >&2; exit 1; }
  log "building QEMU with -j$JOBS (5-7 minutes on two cores; done once per QEMU version)"
  local t0=$SECONDS
  (cd "$src/b" && nice ninja -j"$JOBS" qemu-system-x86_64) >"$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; echo "QEMU build failed (see $work/build.log)" >&2; exit 1; }
  log "QEMU built in $((SECONDS - t0)) s"
  local tmp=$out.tmp
  rm -rf "$tmp" && mkdir -p "$tmp/bin"
  cp "$src/b/qemu-system-x86_64" "$tmp/bin/"
  echo "$QEMU_SRC_VERSION $CONFIGURE_FLAGS" >"$tmp/BUILD-INFO"
  mv "$tmp" "$out"
  rm -rf "$work"
  # Older builds with the same flags are superseded by this one.
  local old
  for old in "$CACHE"/qemu-*-"$FLAGS_HASH"; do [ "$old" = "$out" ] || rm -rf "$old"; done
}

if [ ! -x "$QEMU_DIR/bin/qemu-system-x86_64" ]; then
  build_qemu "$QEMU_DIR"
fi
"$QEMU_DIR/bin/qemu-system-x86_64" -device help 2>/dev/null | grep -q '"virtio-nsm-pci"' \
  || { echo "cached QEMU at $QEMU_DIR has no virtio-nsm-pci device" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------
# Binary packages: the kernel, busybox-static, seabios and QEMU's option ROMs, each unpacked with dpkg -x into its own cache dir.
# fetch_deb NAME_PATTERN DIR_PREFIX: sets DEB_DIR to the unpacked newest version of the newest matching package.
fetch_deb() {
  local pattern=$1 prefix=$2 name="" version=""
  if [ "$APT_OK" = 1 ]; then
    name=$(apt-cache pkgnames 2>/dev/null | grep -E "^$pattern\$" | sort -V | tail -n 1 || true)
    # the newest version in any suite (backports included), not the pinned candidate
    [ -n "$name" ] && version=$(apt-cache madison "$name" | awk -F'|' '{gsub(/ /, "", $2); print $2}' | sort -V | tail -n 1)
  fi
  if [ -z "$name" ] || [ -z "$version" ]; then
    DEB_DIR=$(newest "$CACHE/$prefix-*")
    [ -n "$DEB_DIR" ] || skip "no package access and no cached $prefix in $CACHE"
    return
  fi
  DEB_DIR=$CACHE/$prefix-$(echo "$name-$version" | tr ':~+' '_..')
  [ -f "$DEB_DIR/.done" ] && return
  [ "$(free_mb "$CACHE")" -ge 500 ] || skip "not enough space to unpack $name (need 500 MB free in $CACHE)"
  log "fetching $name $version"
  rm -rf "$APT_DIR/dl" && mkdir -p "$APT_DIR/dl"
  (cd "$APT_DIR/dl" && apt-get -q download "$name=$version" >&2) || skip "could not download $name"
  rm -rf "$DEB_DIR" && mkdir -p "$DEB_DIR"
  dpkg -x "$APT_DIR"/dl/*.deb "$DEB_DIR"
  rm -rf "$APT_DIR/dl"
  touch "$DEB_DIR/.done"
  # Older versions of the same package are superseded by this one.
  local old
  for old in "$CACHE/$prefix"-*; do [ "$old" = "$DEB_DIR" ] || rm -rf "$old"; done
}

fetch_deb 'linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned' kernel
KERNEL_DIR=$DEB_DIR
fetch_deb 'busybox-static' busybox
BUSYBOX_DIR=$DEB_DIR
fetch_deb 'seabios' seabios
SEABIOS_DIR=$DEB_DIR
# The option ROMs QEMU loads for -kernel (linuxboot_dma.bin, kvmvapic.bin): building them needs a 32-bit
# libgcc, so take Debian's build of them instead.
fetch_deb 'qemu-system-data' qemu-data
QEMU_DATA_DIR=$DEB_DIR

KERNEL=$(ls "$KERNEL_DIR"/boot/vmlinuz-* | head -n 1)
MODULES=$(ls -1d "$KERNEL_DIR"/lib/modules/*/ | head -n 1)
grep -q '^CONFIG_NSM=[ym]' "$KERNEL_DIR"/boot/config-* || { echo "kernel $KERNEL lacks CONFIG_NSM" >&2; exit 1; }

echo "QEMU=$QEMU_DIR/bin/qemu-system-x86_64"
echo "FIRMWARE=$SEABIOS_DIR/usr/share/seabios:$QEMU_DATA_DIR/usr/share/qemu"
echo "KERNEL=$KERNEL"
echo "MODULES=${MODULES%/}"
echo "BUSYBOX=$BUSYBOX_DIR/bin/busybox"
exit 0
}
