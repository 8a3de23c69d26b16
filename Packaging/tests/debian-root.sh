# Sourced by the package tests: unpack_debian_root DEB DIR fills DIR with a Debian 12 (bookworm) root holding
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
