#!/usr/bin/env bash
# The model tooling under the newest PyTorch Debian packages (unstable, "sid"; 2.14.1 on 2026-11-27), beside the
# machine's own Debian 12 PyTorch 1.13: builds a debootstrap root file system with python3-torch, python3-onnx and
# the test dependencies, mounts this repository (and ../shared, when present) into it, prints the versions and runs
# the exporter's whole pytest suite (tools/tests, tools/fixtures: tiny and real ViT-B exports vs ONNX Runtime, the
# export.py command, fixture regeneration). See docs/models.md, "PyTorch versions".
#
#   sudo tools/compat/check-current-torch.sh [ROOTFS]     # default ROOTFS: .cache/current-torch/rootfs (git-ignored)
#
# Needs root (debootstrap, chroot, mount), deb.debian.org (SUITE and MIRROR override sid and the mirror) and, once,
# the npm registry for tools/js. Measured on 2 cores: the root file system about 3.5 minutes (about 4 GB with its
# package cache), the tests about 3.5 minutes.
# Exit status: pytest's; 3 when the root file system cannot be had (not root, debootstrap or its download failed).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=${1:-$REPO/.cache/current-torch/rootfs}
SUITE=${SUITE:-sid}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
PKGS=python3,python3-torch,python3-onnx,python3-numpy,python3-pil,python3-scipy,python3-skimage,python3-pytest,libopenblas0-pthread,nodejs
SHARED=$(cd "$REPO/.." && pwd)/shared

[ "$(id -u)" = 0 ] || { echo "check-current-torch: needs root (debootstrap, chroot, mount); got uid $(id -u)" >&2; exit 3; }
command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null || exit 3
ROOT=$(mkdir -p "$ROOT" && cd "$ROOT" && pwd)

if ! chroot "$ROOT" /usr/bin/python3 -c "import torch, onnx, pytest, scipy, skimage, PIL" 2>/dev/null; then
  echo "check-current-torch: debootstrap $SUITE into $ROOT"
  debootstrap --variant=minbase --include="$PKGS" "$SUITE" "$ROOT" "$MIRROR" > "$ROOT.debootstrap.log" 2>&1 \
    || { tail -20 "$ROOT.debootstrap.log" >&2; exit 3; }
fi
# onnxruntime-node (the parity tests' runtime) is installed from the lock file on the host; its N-API binary runs
# under the chroot's Node.js too
(cd "$REPO/tools/js" && { [ -d node_modules/onnxruntime-node ] || ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund; })

MOUNTS=()
cleanup() { for ((i=${#MOUNTS[@]}-1; i>=0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null || true; done; }
trap cleanup EXIT
bind() { mkdir -p "$2"; mount --bind "$1" "$2"; MOUNTS+=("$2"); [ "${3:-}" = ro ] && mount -o remount,bind,ro "$2"; true; }
mkdir -p "$ROOT/proc"; mount -t proc proc "$ROOT/proc"; MOUNTS+=("$ROOT/proc")
bind /dev "$ROOT/dev"
# the repository appears as /work/repo, so ../shared is /work/shared inside, as on the host
bind "$REPO" "$ROOT/work/repo"
[ -d "$SHARED" ] && bind "$SHARED" "$ROOT/work/shared" ro

chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 \
  bash -c 'cd /work/repo && python3 -c "import sys, torch, onnx, numpy; print(\"check-current-torch: python\", sys.version.split()[0], \"torch\", torch.__version__, \"onnx\", onnx.__version__, \"numpy\", numpy.__version__, \"node\", end=\" \")" && node --version &&
           python3 -m pytest -q -p no:cacheprovider tools/tests tools/fixtures'
