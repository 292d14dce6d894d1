#!/bin/sh
# A base image for the Dockerfile made locally from Debian's own packages, where no image
# registry is reachable: debootstrap a minimal bookworm with python3 and python3-venv, then
# `podman import` it. Run as root (debootstrap needs it). Prints the image's name.
#
#   tools/make_base_image.sh [IMAGE] [MIRROR]
set -eu
IMAGE=${1:-localhost/connects-base:bookworm}
MIRROR=${2:-http://deb.debian.org/debian}
WORK=${WORK:-/var/tmp/connects-base}

if podman image exists "$IMAGE"; then
    echo "$IMAGE"
    exit 0
fi
command -v debootstrap >/dev/null || {
    echo "debootstrap is missing: apt-get install -y debootstrap" >&2
    exit 2
}
mkdir -p "$WORK"
if [ ! -x "$WORK/rootfs/usr/bin/python3" ]; then
    rm -rf "$WORK/rootfs"
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        bookworm "$WORK/rootfs" "$MIRROR" >&2
fi
# an image holds no package caches or logs of its making
rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"* \
    "$WORK/rootfs/var/log/"*
tar -C "$WORK/rootfs" --numeric-owner -c . |
    podman import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$IMAGE" >&2
echo "$IMAGE"
