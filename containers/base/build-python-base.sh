#!/usr/bin/env bash
# Builds sagepipe-base:python-bookworm, the Python images' base, offline: a Debian bookworm root file system made by
# mmdebstrap from this machine's apt mirror (Python 3.11, scikit-learn, pandas, NumPy, SciPy, joblib, XGBoost 1.7 with
# libxgboost), with this machine's Node.js in /usr/local/bin, imported into Docker. `sagepipe images build` does the
# same (local-runner/images/python-base.ts); this script is for docker / docker-compose users.
set -euo pipefail
tag="${1:-sagepipe-base:python-bookworm}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
node="$(readlink -f "$(command -v node)")"
mirror=()
[ -f /etc/apt/sources.list.d/debian.sources ] && mirror=(/etc/apt/sources.list.d/debian.sources)
mmdebstrap --variant=essential \
  --include=python3,python3-sklearn,python3-pandas,python3-numpy,python3-scipy,python3-joblib,python3-xgboost,libxgboost0,libstdc++6 \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/include/*' --dpkgopt='path-exclude=/usr/lib/gcc/*' \
  --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/*.a' --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/lib*san.so*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --customize-hook="copy-in $node /usr/local/bin" \
  bookworm "$dir/rootfs.tar" "${mirror[@]}" >&2
docker import "$dir/rootfs.tar" "$tag" >/dev/null
echo "$tag"
