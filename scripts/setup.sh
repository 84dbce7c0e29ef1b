#!/usr/bin/env bash
# scripts/setup.sh - the one setup step: everything snic builds and tests with.
#
# Idempotent, non-interactive (no stdin, CI=true is fine), needs root on
# Debian 12 (bookworm).  A second run is a fast no-op.  It does three things:
#
#  1. installs the Debian packages the project builds and tests with
#     (apt-get is skipped entirely when all of them are installed);
#  2. installs the DPDK driver-SDK headers that Debian's libdpdk-dev does not
#     ship (ethdev_driver.h, bus_vdev_driver.h, ...), taken from the Debian
#     source package of the EXACT installed DPDK version, into
#       /opt/snic/dpdk-sdk/<version>/include    (+ VERSION, SOURCES, stamp)
#       /opt/snic/dpdk-sdk/current -> <version>
#     A deb-src entry is derived from this machine's own apt sources when
#     needed (/etc/apt/sources.list.d/snic-deb-src.sources).  Nothing from
#     DPDK goes into the repository;
#  3. checks cheaply that network namespaces and TAP devices can be used
#     (integration tests need them) and warns if not.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config clang llvm
  libclang-rt-14-dev              # libFuzzer + sanitizer runtimes for clang 14
  libfdt-dev device-tree-compiler
  dpdk libdpdk-dev
  rdma-core libibverbs-dev ibverbs-providers
  libsqlite3-dev sqlite3 libjansson-dev
  libpcap-dev tshark tcpdump iperf3
  iproute2 iputils-ping libmnl-dev libxml2-dev
  openvswitch-switch
  openvswitch-common              # ovs-ofctl: the oracle of test_ofrule_ovs
  python3 dpkg-dev procps psmisc
)
# The driver-SDK headers the project needs beyond libdpdk-dev, by their path in
# the DPDK source tree.  Headers these include that libdpdk-dev also lacks are
# found and added automatically (see sdk_resolve_missing).
SDK_HEADERS=(
  lib/ethdev/ethdev_driver.h
  lib/ethdev/ethdev_vdev.h
  drivers/bus/vdev/bus_vdev_driver.h
  lib/eal/include/dev_driver.h
  lib/eal/include/bus_driver.h
)
# Headers the SDK check compiles (the five above + what libdpdk-dev has).
SDK_TEST_INCLUDES=(ethdev_driver.h ethdev_vdev.h bus_vdev_driver.h
                   dev_driver.h bus_driver.h rte_flow_driver.h)

SDK_ROOT=/opt/snic/dpdk-sdk
SRC_LIST=/etc/apt/sources.list.d/snic-deb-src.sources
SDK_STAMP_NAME=.snic-sdk-complete

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef
          -o Dpkg::Options::=--force-confold)

say()  { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: WARNING: %s\n' "$*" >&2; }
die()  { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and writes /opt/snic)"
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  die "this needs a Debian system (dpkg + apt); Debian 12 (bookworm) is supported"
fi
if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ $codename == bookworm ]] || warn "written for Debian 12 (bookworm); this is '${codename:-unknown}'"
fi

TMPDIRS=()
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_RC_SAVED=""
POLICY_RC_OURS=0
cleanup() {
  local rc=$?
  restore_policy_rc
  local d
  for d in "${TMPDIRS[@]}"; do rm -rf -- "$d"; done
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. packages -----------------------------------------------------------

missing_packages() {
  # Prints the packages of "$@" that are not fully installed.
  local installed
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" 2>/dev/null |
              awk '$2 == "ii" { print $1 }' || true)
  local p
  for p in "$@"; do
    grep -qxF -- "$p" <<<"$installed" || printf '%s\n' "$p"
  done
}

apt_update() {
  say "apt-get update"
  apt-get "${APT_OPTS[@]}" update </dev/null
}

# Keep package maintainer scripts from starting services (openvswitch-switch
# would try to start ovsdb/vswitchd; there may be no systemd or init here).
# policy-rc.d exit status 101 = "action forbidden"; any existing file is
# restored afterwards.
block_service_starts() {
  if [[ -e $POLICY_RC || -L $POLICY_RC ]]; then
    POLICY_RC_SAVED=$(mktemp "$(dirname -- "$POLICY_RC")/.policy-rc.d.snic-saved.XXXXXX")
    cp -a -- "$POLICY_RC" "$POLICY_RC_SAVED"
  fi
  POLICY_RC_OURS=1
  rm -f -- "$POLICY_RC"
  printf '#!/bin/sh\n# temporary, from snic scripts/setup.sh\nexit 101\n' >"$POLICY_RC"
  chmod 755 "$POLICY_RC"
}
restore_policy_rc() {
  [[ $POLICY_RC_OURS -eq 1 ]] || return 0
  rm -f -- "$POLICY_RC"
  if [[ -n $POLICY_RC_SAVED ]]; then
    mv -f -- "$POLICY_RC_SAVED" "$POLICY_RC"
  fi
  POLICY_RC_OURS=0
  POLICY_RC_SAVED=""
}

install_packages() {
  local missing
  mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "packages: all ${#PACKAGES[@]} installed, apt-get skipped"
    return 0
  fi
  say "packages: installing ${missing[*]}"

  # Lists are needed before the first install: update when there are none or
  # when a wanted package has no install candidate in them.
  local need_update=0 p
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    need_update=1
  else
    for p in "${missing[@]}"; do
      if ! apt-cache policy -- "$p" 2>/dev/null | grep -q 'Candidate: [^(]'; then
        need_update=1; break
      fi
    done
  fi
  [[ $need_update -eq 0 ]] || apt_update

  # tshark asks whether non-root users may capture: answer "no", never block.
  echo 'wireshark-common wireshark-common/install-setuid boolean false' |
    debconf-set-selections

  block_service_starts
  if ! apt-get "${APT_OPTS[@]}" install --no-install-recommends -- "${missing[@]}" </dev/null; then
    # Most often stale lists (a package version gone from the mirror).
    say "install failed; refreshing package lists and retrying once"
    apt_update
    apt-get "${APT_OPTS[@]}" install --no-install-recommends -- "${missing[@]}" </dev/null ||
      die "apt-get install failed for: ${missing[*]}"
  fi
  restore_policy_rc

  mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
  [[ ${#missing[@]} -eq 0 ]] || die "still not installed after apt-get: ${missing[*]}"
  say "packages: installed ${#PACKAGES[@]}/${#PACKAGES[@]}"
}

# --- 2. DPDK driver-SDK headers ----------------------------------------------

# Prints, in deb822 form, one deb-src stanza per enabled "deb" entry of this
# machine's apt sources (deb822 *.sources and one-line sources.list/*.list),
# keeping URIs/Suites/Components/Signed-By (and other options) as they are.
# With an argument (a space-separated list of URIs), only entries with one of
# those URIs are kept.
derive_deb_src() {
  local uris=${1:-} f
  local -a d822=() oneline=()
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f && $f != "$SRC_LIST" ]] && d822+=("$f")
  done
  [[ -f /etc/apt/sources.list ]] && oneline+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] && oneline+=("$f")
  done

  if [[ ${#d822[@]} -gt 0 ]]; then
    awk -v want=" $uris " '
      function flush(   i, j, u, ok) {
        if (n && isdeb && enabled) {
          ok = (want == "  ")
          for (j = 1; j <= nu; j++) {
            u = u_[j]; sub(/\/+$/, "", u)
            if (index(want, " " u " ")) ok = 1
          }
          if (ok) {
            print "Types: deb-src"
            for (i = 1; i <= n; i++) print lines[i]
            print ""
          }
        }
        n = 0; nu = 0; isdeb = 0; enabled = 1; keep = 0
      }
      BEGIN { n = 0; nu = 0; isdeb = 0; enabled = 1; keep = 0 }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { if (keep) lines[++n] = $0; next }    # continuation line
      {
        key = tolower(substr($0, 1, index($0, ":") - 1))
        val = substr($0, index($0, ":") + 1)
        gsub(/^[ \t]+|[ \t]+$/, "", val)
        keep = 1
        if (key == "types") {
          if ((" " val " ") ~ /[ \t]deb[ \t]/) isdeb = 1
          keep = 0; next
        }
        if (key == "enabled") { if (tolower(val) == "no") enabled = 0; keep = 0; next }
        if (key == "uris") { nu = split(val, u_, /[ \t]+/) }
        lines[++n] = $0
      }
      END { flush() }' "${d822[@]}"
  fi

  if [[ ${#oneline[@]} -gt 0 ]]; then
    awk -v want=" $uris " '
      BEGIN {
        opt["arch"] = "Architectures"; opt["signed-by"] = "Signed-By"
        opt["trusted"] = "Trusted"; opt["lang"] = "Languages"
        opt["check-valid-until"] = "Check-Valid-Until"; opt["target"] = "Targets"
        opt["pdiffs"] = "PDiffs"; opt["by-hash"] = "By-Hash"
      }
      {
        sub(/#.*/, "")
        if ($1 != "deb") next
        line = $0; sub(/^[ \t]*deb[ \t]+/, "", line)
        opts = ""
        if (line ~ /^\[/) {
          opts = substr(line, 2, index(line, "]") - 2)
          line = substr(line, index(line, "]") + 1)
        }
        nf = split(line, w, /[ \t]+/)
        k = 0
        for (i = 1; i <= nf; i++) if (w[i] != "") f[++k] = w[i]
        if (k < 2) next
        u = f[1]; sub(/\/+$/, "", u)
        if (want != "  " && !index(want, " " u " ")) next
        print "Types: deb-src"
        print "URIs: " f[1]
        print "Suites: " f[2]
        if (k > 2) {
          c = f[3]; for (i = 4; i <= k; i++) c = c " " f[i]
          print "Components: " c
        }
        no = split(opts, o, /[ \t]+/)
        for (i = 1; i <= no; i++) {
          if (o[i] !~ /=/ || o[i] ~ /[+-]=/) continue
          key = substr(o[i], 1, index(o[i], "=") - 1)
          val = substr(o[i], index(o[i], "=") + 1)
          if (key in opt) { gsub(/,/, " ", val); print opt[key] ": " val }
        }
        print ""
      }' "${oneline[@]}"
  fi
}

# Versions of source package $1 that apt can fetch now.
source_versions() {
  apt-cache showsrc --only-source -- "$1" 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -uV
}

# Makes sure apt can fetch source package $1 version $2: adds a derived
# deb-src file and refreshes just that file's lists when needed.
ensure_source_available() {
  local src=$1 ver=$2
  if source_versions "$src" | grep -qxF -- "$ver"; then
    say "deb-src: $src $ver already available from the configured sources"
    return 0
  fi

  # Only archives that carry the package matter: the URIs apt lists for it.
  local uris content
  uris=$(apt-cache policy -- libdpdk-dev 2>/dev/null |
         awk '$1 ~ /^[0-9]+$/ && $2 ~ /:\/\// { u = $2; sub(/\/+$/, "", u); print u }' | sort -u | tr '\n' ' ')
  content=$(derive_deb_src "$uris")
  if [[ -z $content ]]; then
    content=$(derive_deb_src "")
  fi
  [[ -n $content ]] || die "cannot derive a deb-src entry: no enabled 'deb' entries found in /etc/apt/sources.list or /etc/apt/sources.list.d/"
  content="# Written by snic scripts/setup.sh: the deb-src twin of this machine's own
# apt sources, to fetch the DPDK source package (driver-SDK headers).
# Safe to delete; setup.sh recreates it when it needs it.

$content"
  if [[ ! -f $SRC_LIST ]] || [[ $(cat "$SRC_LIST") != "$content" ]]; then
    printf '%s\n' "$content" >"$SRC_LIST"
    say "deb-src: wrote $SRC_LIST, derived from this machine's apt sources:"
  else
    say "deb-src: $SRC_LIST is up to date:"
  fi
  grep -E '^(URIs|Suites|Components|Signed-By):' "$SRC_LIST" | sed 's/^/setup:     /'

  # Refresh only this file's lists (the binary lists are left alone).
  say "apt-get update (deb-src lists only)"
  apt-get "${APT_OPTS[@]}" update -o Dir::Etc::sourcelist="$SRC_LIST" \
    -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 </dev/null ||
    die "apt-get update of the deb-src entries in $SRC_LIST failed"

  if ! source_versions "$src" | grep -qxF -- "$ver"; then
    local avail
    avail=$(source_versions "$src" | paste -sd " " -)
    die "the DPDK source package '$src' version $ver (the installed libdpdk-dev version) is not available from the configured sources; available: ${avail:-none}. Install a libdpdk-dev version that has a matching source package (e.g. apt-get install libdpdk-dev=<one of those> dpdk=<same>) and rerun."
  fi
}

# Compile a file that includes every SDK header; prints the compiler output.
sdk_compile_check() {
  local inc=$1 out=$2 h
  {
    echo '/* generated by snic scripts/setup.sh */'
    for h in "${SDK_TEST_INCLUDES[@]}"; do echo "#include <$h>"; done
    echo 'int snic_sdk_probe(void);'
    echo 'int snic_sdk_probe(void) { return (int)sizeof(struct rte_eth_dev) + (int)sizeof(struct rte_vdev_driver) + (int)sizeof(struct rte_bus) + (int)sizeof(struct rte_device); }'
  } >"$out.c"
  # shellcheck disable=SC2046
  cc -fsyntax-only -Wall -Werror $(pkg-config --cflags libdpdk) -I"$inc" "$out.c" >"$out.log" 2>&1
}

# Copies source file $1 (relative to the tree $2) into include dir $3.
sdk_copy() {
  install -m 0644 -- "$2/$1" "$3/$(basename -- "$1")"
  printf '%s\n' "$1" >>"$3/../SOURCES"
}

install_dpdk_sdk() {
  local ver src srcver dirname dir stamp
  ver=$(dpkg-query -W -f='${Version}' libdpdk-dev)
  src=$(dpkg-query -W -f='${source:Package}' libdpdk-dev)
  srcver=$(dpkg-query -W -f='${source:Version}' libdpdk-dev)
  dirname=${ver//:/_}          # an epoch's ':' is not welcome in paths
  dir=$SDK_ROOT/$dirname
  stamp=$dir/$SDK_STAMP_NAME

  if [[ -f $stamp && $(cat "$stamp") == "$ver" && -f $dir/VERSION ]]; then
    if [[ $(readlink "$SDK_ROOT/current" 2>/dev/null || true) != "$dirname" ]]; then
      ln -sfn -- "$dirname" "$SDK_ROOT/current"
      say "dpdk-sdk: $SDK_ROOT/current -> $dirname"
    fi
    say "dpdk-sdk: headers for DPDK $ver present in $dir/include"
    return 0
  fi

  say "dpdk-sdk: fetching driver-SDK headers for libdpdk-dev $ver (source package $src $srcver)"
  ensure_source_available "$src" "$srcver"

  local work
  work=$(mktemp -d /tmp/snic-dpdk-src.XXXXXX)
  TMPDIRS+=("$work")
  # apt downloads as the unprivileged _apt user when it can write the dir.
  if id _apt >/dev/null 2>&1; then chown _apt "$work"; fi
  say "dpdk-sdk: apt-get source --download-only $src=$srcver"
  (cd "$work" && apt-get -q source --download-only -- "$src=$srcver" </dev/null) ||
    die "apt-get source --download-only $src=$srcver failed"
  local dsc
  dsc=$(compgen -G "$work/${src}_*.dsc" | head -n1 || true)
  [[ -n $dsc ]] || die "apt-get source did not download a .dsc for $src=$srcver"
  say "dpdk-sdk: unpacking $(basename -- "$dsc") with debian patches applied (dpkg-source -x)"
  (cd "$work" && dpkg-source -q -x "$dsc" tree </dev/null >"$work/dpkg-source.log" 2>&1) || {
    cat "$work/dpkg-source.log" >&2
    die "dpkg-source -x $dsc failed"
  }
  local tree=$work/tree

  # Stage next to the final place, then rename: a half-done dir is never used.
  mkdir -p -- "$SDK_ROOT"
  local stage
  stage=$(mktemp -d "$SDK_ROOT/.stage-$dirname.XXXXXX")
  TMPDIRS+=("$stage")
  mkdir -p "$stage/include"
  : >"$stage/SOURCES"
  local h
  for h in "${SDK_HEADERS[@]}"; do
    [[ -f $tree/$h ]] || die "$h is not in the $src $srcver source tree (DPDK layout changed?)"
    sdk_copy "$h" "$tree" "$stage/include"
  done

  # Iterate: whatever the headers include that neither libdpdk-dev nor the
  # staged set provides is looked up in the source tree and added.
  local tries=0 miss found dpdk_inc
  dpdk_inc=$(pkg-config --variable=includedir libdpdk)/dpdk
  while ! sdk_compile_check "$stage/include" "$work/sdkcheck"; do
    tries=$((tries + 1))
    miss=$(sed -n 's/.*fatal error: \([^:]*\): No such file or directory.*/\1/p' \
             "$work/sdkcheck.log" | head -n1)
    if [[ -z $miss || $tries -gt 30 ]]; then
      cat "$work/sdkcheck.log" >&2
      die "the DPDK driver-SDK headers do not compile (see above)"
    fi
    [[ ! -e $dpdk_inc/$miss ]] || { cat "$work/sdkcheck.log" >&2; die "unexpected: $miss is in $dpdk_inc"; }
    found=$(cd "$tree" && find lib drivers -name "$(basename -- "$miss")" -type f 2>/dev/null | sort | head -n1)
    [[ -n $found ]] || { cat "$work/sdkcheck.log" >&2; die "$miss is needed but not in the $src source tree"; }
    say "dpdk-sdk: also needed: $found"
    sdk_copy "$found" "$tree" "$stage/include"
  done

  printf '%s\n' "$ver" >"$stage/VERSION"
  {
    echo "DPDK driver-SDK headers for snic, installed by scripts/setup.sh"
    echo "from the Debian source package $src $srcver (debian patches applied)"
    echo "for libdpdk-dev $ver. Files (path in the DPDK source tree):"
    sed 's/^/  /' "$stage/SOURCES"
  } >"$stage/README"
  rm -f "$stage/SOURCES"
  printf '%s\n' "$ver" >"$stage/$SDK_STAMP_NAME"
  chmod 0755 "$stage" "$stage/include"

  rm -rf -- "$dir"
  mv -- "$stage" "$dir"
  ln -sfn -- "$dirname" "$SDK_ROOT/current"
  say "dpdk-sdk: installed $(cd "$dir/include" && echo *.h)"
  say "dpdk-sdk:   into $dir/include ($SDK_ROOT/current -> $dirname)"
}

# --- 3. namespaces / TAP -----------------------------------------------------

check_netns() {
  local ns=snic-setup-probe-$$ ok=1
  if ip netns add "$ns" 2>/dev/null; then
    ip -n "$ns" link set lo up 2>/dev/null || { ok=0; warn "cannot bring up loopback in a network namespace"; }
    ip netns del "$ns" 2>/dev/null || { ok=0; warn "cannot delete network namespace $ns"; }
  else
    ok=0
    warn "cannot create network namespaces (ip netns add): integration tests will fail (needs root with CAP_SYS_ADMIN and a writable /run/netns)"
  fi
  if [[ ! -c /dev/net/tun ]]; then
    ok=0
    warn "/dev/net/tun is missing: the simulator cannot create TAP devices (load the tun module or pass the device into the container)"
  fi
  [[ $ok -eq 0 ]] || say "netns: network namespaces, loopback and /dev/net/tun usable"
}

install_packages
install_dpdk_sdk
check_netns
say "done"
