#!/usr/bin/env bash
# Fetches and builds what the real-device test boots for one guest architecture, all of it cached outside the
# repository:
#   - QEMU with virtio-nsm for that target, built from Debian's QEMU source package (bookworm-backports),
#     because Debian's own QEMU binaries are built without libcbor and so lack the device;
#   - a Debian cloud kernel of that architecture with CONFIG_NSM (nsm.ko as a module);
#   - the guest's Debian packages of that architecture (busybox-static, and the C libraries a foreign node
#     needs) and the host-side packages QEMU loads (firmware), each unpacked with dpkg -x.
# run.mjs runs it with the target from targets.json in the environment:
#   NSM_DEVICE_TEST_CACHE   the cache directory; TARGET_NAME the target's name (for the log)
#   TARGET_QEMU             QEMU's target name (x86_64, aarch64)
#   TARGET_QEMU_DEVICES     the Kconfig devices to build in (e.g. "ARM_VIRT VIRTIO_PCI VIRTIO_NSM")
#   TARGET_QEMU_CONFIGURE   extra configure flags; TARGET_QEMU_BUILD_DEPS extra Debian build dependencies
#   TARGET_DEB_ARCH         the guest's Debian architecture (amd64, arm64)
#   TARGET_KERNEL           an extended regex for the kernel package's name
#   TARGET_GUEST_DEBS       guest packages (of TARGET_DEB_ARCH); TARGET_HOST_DEBS host packages (firmware)
# Prints KEY=VALUE lines on stdout for run.mjs (QEMU, KERNEL, MODULES, and GUEST_DEBS / HOST_DEBS: the unpacked
# directories, colon-separated, in the order asked); everything else goes to stderr.
# Exit 77 with `SKIP=<reason>` on stdout when this machine cannot build or run the test.
set -euo pipefail
# The whole script is one block, so bash reads it completely before running it (a checkout that changes
# this file during a 6-minute build cannot change what the running build does).
{

CACHE=${NSM_DEVICE_TEST_CACHE:?run.mjs sets the cache directory}
for v in TARGET_QEMU TARGET_QEMU_DEVICES TARGET_DEB_ARCH TARGET_KERNEL TARGET_GUEST_DEBS; do
  [ -n "${!v:-}" ] || { echo "prepare.sh: $v is not set (run.mjs sets it from targets.json)" >&2; exit 2; }
done
TARGET_QEMU_CONFIGURE=${TARGET_QEMU_CONFIGURE:-}
TARGET_QEMU_BUILD_DEPS=${TARGET_QEMU_BUILD_DEPS:-}
TARGET_HOST_DEBS=${TARGET_HOST_DEBS:-}
JOBS=${NSM_DEVICE_TEST_JOBS:-2}

log() { echo "[device-test ${TARGET_NAME:-}] $*" >&2; }
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
# directory, so the machine's own apt sources are left alone. It lists the guest architectures' packages too
# (APT::Architectures), which only `apt-get download` uses: nothing of a foreign architecture is installed.
APT_DIR=$CACHE/apt
mkdir -p "$APT_DIR"/{lists/partial,archives/partial,cache,etc/sources.list.d,etc/preferences.d,dl}
MIRROR=${NSM_DEVICE_TEST_MIRROR:-http://deb.debian.org}
HOST_ARCH=$(dpkg --print-architecture)
APT_ARCHES="amd64 arm64"
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
APT::Architectures { $(printf '"%s"; ' $APT_ARCHES)};
EOF
export APT_CONFIG=$APT_DIR/apt.conf
export DEBIAN_FRONTEND=noninteractive
# apt-cache with its binary package cache kept: without it, each call spends a second of CPU reading the lists
# again. Set on the command line because apt reads /etc/apt/apt.conf.d after APT_CONFIG, and Debian's container
# images switch the cache off there.
apt_cache() {
  apt-cache -o Dir::Cache::pkgcache="$APT_DIR/cache/pkgcache.bin" -o Dir::Cache::srcpkgcache="$APT_DIR/cache/srcpkgcache.bin" "$@"
}

# Refresh the lists when they are older than six hours (or the mirror or the architectures changed); without
# network, carry on with what is cached.
APT_OK=1
if [ "$(cat "$APT_DIR/mirror" 2>/dev/null)" != "$MIRROR $APT_ARCHES" ]; then
  rm -rf "$APT_DIR/lists" && mkdir -p "$APT_DIR/lists/partial"
  echo "$MIRROR $APT_ARCHES" >"$APT_DIR/mirror"
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
DEVICES=$(printf 'CONFIG_%s=y\n' $TARGET_QEMU_DEVICES)
CONFIGURE_FLAGS="--target-list=$TARGET_QEMU-softmmu --without-default-devices --with-devices-$TARGET_QEMU=nsm \
--without-default-features --enable-libcbor --enable-tcg --disable-docs --disable-install-blobs \
--disable-tools --disable-user --disable-werror --disable-download${TARGET_QEMU_CONFIGURE:+ $TARGET_QEMU_CONFIGURE}"
QEMU_BINARY=qemu-system-$TARGET_QEMU
# The Debian source tarball lacks the edk2 firmware blobs that the build would otherwise unpack.
SOURCE_PATCH='s/unpack_edk2_blobs = bzip2.found()/unpack_edk2_blobs = false/'
FLAGS_HASH=$(printf '%s\n%s\n%s\n' "$DEVICES" "$CONFIGURE_FLAGS" "$SOURCE_PATCH" | sha256sum | cut -c1-12)

QEMU_SRC_VERSION=""
if [ "$APT_OK" = 1 ]; then
  QEMU_SRC_VERSION=$(apt_cache showsrc qemu 2>/dev/null | awk '/^Version:/ {print $2}' | sort -V | tail -n 1 || true)
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
  local deps="meson python3-pycotap python3 python3-venv ninja-build flex bison pkgconf gcc libc6-dev make libglib2.0-dev libcbor-dev zlib1g-dev xz-utils $TARGET_QEMU_BUILD_DEPS"
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
  printf '%s\n' "$DEVICES" >"$src/configs/devices/$TARGET_QEMU-softmmu/nsm.mak"
  mkdir -p "$src/b"
  log "configuring QEMU ($CONFIGURE_FLAGS)"
  # shellcheck disable=SC2086
  (cd "$src/b" && ../configure --python=/usr/bin/python3 $CONFIGURE_FLAGS) >"$work/configure.log" 2>&1 \
    || { tail -n 30 "$work/configure.log" >&2; echo "QEMU configure failed (see $work/configure.log)" >&2; exit 1; }
  log "building QEMU with -j$JOBS (5-7 minutes on two cores; done once per QEMU version)"
  local t0=$SECONDS
  (cd "$src/b" && nice ninja -j"$JOBS" "$QEMU_BINARY") >"$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; echo "QEMU build failed (see $work/build.log)" >&2; exit 1; }
  log "QEMU built in $((SECONDS - t0)) s"
  local tmp=$out.tmp
  rm -rf "$tmp" && mkdir -p "$tmp/bin"
  cp "$src/b/$QEMU_BINARY" "$tmp/bin/"
  echo "$QEMU_SRC_VERSION $CONFIGURE_FLAGS" >"$tmp/BUILD-INFO"
  mv "$tmp" "$out"
  rm -rf "$work"
  # Older builds with the same flags are superseded by this one.
  local old
  for old in "$CACHE"/qemu-*-"$FLAGS_HASH"; do [ "$old" = "$out" ] || rm -rf "$old"; done
}

if [ ! -x "$QEMU_DIR/bin/$QEMU_BINARY" ]; then
  build_qemu "$QEMU_DIR"
fi
"$QEMU_DIR/bin/$QEMU_BINARY" -device help 2>/dev/null | grep -q '"virtio-nsm-pci"' \
  || { echo "cached QEMU at $QEMU_DIR has no virtio-nsm-pci device" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------
# Binary packages, each unpacked with dpkg -x into deb/ARCH/SLOT/NAME_VERSION in the cache.
# fetch_deb SLOT NAME ARCH: sets DEB_DIR to the unpacked newest version of package NAME for ARCH, and removes
# older versions in that slot; with no package access (NAME empty or unknown), the newest one already cached.
fetch_deb() {
  local slot=$1 name=$2 arch=$3 version="" dir=$CACHE/deb/$3/$1 done=""
  if [ "$APT_OK" = 1 ] && [ -n "$name" ]; then
    # the newest version in any suite (backports included), not the pinned candidate
    version=$(apt_cache madison "$name:$arch" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}' | sort -V | tail -n 1)
  fi
  if [ -z "$version" ]; then
    done=$(newest "$dir/*/.done")
    [ -n "$done" ] || skip "no package access and no cached $slot ($arch) in $CACHE"
    DEB_DIR=$(dirname "$done")
    return
  fi
  DEB_DIR=$dir/$(echo "${name}_$version" | tr ':~+' '_..')
  [ -f "$DEB_DIR/.done" ] && return
  [ "$(free_mb "$CACHE")" -ge 500 ] || skip "not enough space to unpack $name (need 500 MB free in $CACHE)"
  log "fetching $name:$arch $version"
  rm -rf "$APT_DIR/dl" && mkdir -p "$APT_DIR/dl"
  (cd "$APT_DIR/dl" && apt-get -q download "$name:$arch=$version" >&2) || skip "could not download $name:$arch"
  rm -rf "$DEB_DIR" && mkdir -p "$DEB_DIR"
  dpkg -x "$APT_DIR"/dl/*.deb "$DEB_DIR"
  rm -rf "$APT_DIR/dl"
  touch "$DEB_DIR/.done"
  local old
  for old in "$dir"/*; do [ "$old" = "$DEB_DIR" ] || rm -rf "$old"; done
}
# fetch_debs ARCH NAME...: sets DEBS to the unpacked directories, colon-separated
fetch_debs() {
  local arch=$1 name
  shift
  DEBS=""
  for name in "$@"; do
    fetch_deb "$name" "$name" "$arch"
    DEBS="$DEBS${DEBS:+:}$DEB_DIR"
  done
}

KERNEL_NAME=""
if [ "$APT_OK" = 1 ]; then
  KERNEL_NAME=$(apt_cache pkgnames 2>/dev/null | grep -E "^$TARGET_KERNEL\$" | sort -V | tail -n 1 || true)
fi
fetch_deb kernel "$KERNEL_NAME" "$TARGET_DEB_ARCH"
KERNEL_DIR=$DEB_DIR
# shellcheck disable=SC2086
fetch_debs "$TARGET_DEB_ARCH" $TARGET_GUEST_DEBS
GUEST_DEBS=$DEBS
# shellcheck disable=SC2086
fetch_debs "$HOST_ARCH" $TARGET_HOST_DEBS
HOST_DEBS=$DEBS

KERNEL=$(ls "$KERNEL_DIR"/boot/vmlinuz-* | head -n 1)
MODULES=$(ls -1d "$KERNEL_DIR"/lib/modules/*/ | head -n 1)
grep -q '^CONFIG_NSM=[ym]' "$KERNEL_DIR"/boot/config-* || { echo "kernel $KERNEL lacks CONFIG_NSM" >&2; exit 1; }

echo "QEMU=$QEMU_DIR/bin/$QEMU_BINARY"
echo "KERNEL=$KERNEL"
echo "MODULES=${MODULES%/}"
echo "GUEST_DEBS=$GUEST_DEBS"
echo "HOST_DEBS=$HOST_DEBS"
exit 0
}
