#!/usr/bin/env bash
# Builds kube-apiserver, etcd and kubectl from the versions pinned in
# hack/tools/go.mod into a bin/ folder, skipping each binary that is already
# there at the right version. Everything comes from the Go module proxy, so the
# build works where the usual envtest download does not.
#
# Usage: hack/build-control-plane.sh [BIN_DIR]   (default: ./bin)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-"$root/bin"}
mkdir -p "$bin"
bin=$(cd "$bin" && pwd)
tools="$root/hack/tools"

module_version() {
	(cd "$tools" && go list -m -f '{{.Version}}' "$1")
}

k8s_version=$(module_version k8s.io/kubernetes)
etcd_version=$(module_version go.etcd.io/etcd/server/v3)
k8s_minor=$(echo "$k8s_version" | cut -d. -f2)

# Without these the binaries report v0.0.0-master, which clients treat as skew.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
	ldflags+=" -X $pkg.gitTreeState=clean"
done

# build NAME PACKAGE WANT VERSION_COMMAND...: builds NAME unless VERSION_COMMAND
# already prints WANT.
build() {
	local name=$1 pkg=$2 want=$3
	shift 3
	if [ -x "$bin/$name" ] && "$bin/$name" "$@" 2>/dev/null | grep -qF "$want"; then
		echo "$name $want: up to date in $bin"
		return
	fi
	echo "building $name $want into $bin (the first build takes several minutes)"
	local start=$SECONDS
	(cd "$tools" && go build -trimpath -ldflags "$ldflags" -o "$bin/$name" "$pkg")
	echo "built $name in $((SECONDS - start))s"
}

build etcd go.etcd.io/etcd/server/v3 "${etcd_version#v}" --version
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$k8s_version" --version
build kubectl k8s.io/kubernetes/cmd/kubectl "$k8s_version" version --client
