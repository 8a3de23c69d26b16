# Sourced by the package tests (from the package root).
#
# upgrade_deb DEB DIR builds, from DEB's own binary, the same package with its Debian revision bumped, into DIR;
# it sets UPGRADE_VERSION and UPGRADE_DEB.
#
# unpack_debian_root DEB DIR fills DIR with a Debian 12 (bookworm) root holding
# systemd and DEB's dependencies, debootstrapped once and then cached as a tarball in
# ${EDGE_CI_CACHE:-/var/cache/cortensor-edge-ci} (keyed by the package list).
# Env: DEBIAN_MIRROR (http://deb.debian.org/debian).
unpack_debian_root() {
    local deb=$1 dir=$2 cache=${EDGE_CI_CACHE:-/var/cache/cortensor-edge-ci} depends include tarball
    depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//; s/[ (|].*//' | sort -u | paste -sd, -)
    include="systemd,systemd-sysv,dbus,curl,$depends"
    tarball="$cache/bookworm-$(dpkg --print-architecture)-$(echo "$include" | sha256sum | cut -c1-12).tar"
    mkdir -p "$dir" "$cache"
    if [[ -f "$tarball" ]]; then
        tar -C "$dir" -xf "$tarball"
        return
    fi
    echo "debootstrap bookworm (minbase + $include)" >&2
    debootstrap --variant=minbase --include="$include" bookworm "$dir" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
        >"$dir.debootstrap.log" 2>&1 || { tail -20 "$dir.debootstrap.log" >&2; return 1; }
    tar -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
}

upgrade_deb() {
    local deb=$1 dir=$2 version
    version=$(dpkg-deb -f "$deb" Version)
    UPGRADE_VERSION="${version%-*}-$((${version##*-} + 1))"
    dpkg-deb -x "$deb" "$dir/v1"
    Packaging/build-deb --binary "$dir/v1/usr/bin/cortensor-edge" --version "$UPGRADE_VERSION" --out "$dir" >/dev/null
    UPGRADE_DEB=$(ls "$dir"/cortensor-edge_"$UPGRADE_VERSION"_*.deb)
}
