#!/usr/bin/env bash
# Builds sagepipe-base:node20-local, a FROM scratch image holding this machine's own Node.js, the shared libraries
# `ldd` lists, CA certificates, a minimal passwd/group and /tmp: a base for the step images where no registry can be
# reached. `sagepipe images build` does the same through dockerode; this script is for docker / docker-compose users.
set -euo pipefail
tag="${1:-sagepipe-base:node20-local}"
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
node="$(readlink -f "$(command -v node)")"
mkdir -p "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/etc" "$ctx/rootfs/tmp"
cp "$node" "$ctx/rootfs/usr/local/bin/node"
for lib in $(ldd "$node" | grep -o '/[^ ]*'); do
  [ -e "$lib" ] || continue
  mkdir -p "$ctx/rootfs$(dirname "$lib")"
  cp -L "$lib" "$ctx/rootfs$lib"
done
[ -f /etc/ssl/certs/ca-certificates.crt ] && mkdir -p "$ctx/rootfs/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$ctx/rootfs/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' > "$ctx/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$ctx/rootfs/etc/group"
chmod 1777 "$ctx/rootfs/tmp"
printf 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp\nCMD ["node"]\n' > "$ctx/Dockerfile"
docker build -q -t "$tag" "$ctx"
echo "$tag"
