#!/usr/bin/env bash
# dev.sh — the newcomer's entry point on Debian/Ubuntu:
#   bash dev.sh demo   install what is missing, build, import the bundled extract, serve the map
#   bash dev.sh test   install what the tests need, then run every test (make test)
# Any other argument is passed to make (bash dev.sh bench, bash dev.sh build, …).
# It installs Debian packages with apt-get (through sudo when not root) and, when no Go
# toolchain of the version in go.mod is on the PATH, fetches that toolchain from the Go
# module proxy into ~/.cache/openmap/go (a registry package, no other download).
set -euo pipefail
cd "$(dirname "$0")"

want_go=$(sed -n 's/^go \([0-9.]*\).*/\1/p' go.mod)
target=${1:-demo}

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=
apt_update_once() {
	if [ -z "$apt_updated" ]; then sudo_ apt-get update -qq; apt_updated=1; fi
}
# installed PKG: the package is installed (wanted "install" or "hold").
installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == *" ok installed" ]]; }
need_pkgs() {
	local missing=()
	for p in "$@"; do
		installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if ! command -v apt-get >/dev/null; then
		echo "dev.sh: please install: ${missing[*]} (no apt-get on this machine)" >&2
		exit 1
	fi
	echo "dev.sh: installing ${missing[*]}" >&2
	apt_update_once
	sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

ensure_go() {
	local have=""
	if command -v go >/dev/null; then have=$(go env GOVERSION | sed 's/^go//'); fi
	if [ -n "$have" ] && version_ge "$have" "$want_go"; then return 0; fi
	local dir="$HOME/.cache/openmap/go$want_go"
	if [ ! -x "$dir/go/bin/go" ]; then
		need_pkgs curl unzip ca-certificates
		local arch
		case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) echo "dev.sh: unsupported CPU $(uname -m)" >&2; exit 1 ;; esac
		local proxy=${GOPROXY:-https://proxy.golang.org}; proxy=${proxy%%,*}
		echo "dev.sh: fetching Go $want_go from the Go module proxy" >&2
		mkdir -p "$dir"
		curl -fsSL "$proxy/golang.org/toolchain/@v/v0.0.1-go$want_go.linux-$arch.zip" -o "$dir/go.zip"
		(cd "$dir" && unzip -q go.zip && mv golang.org/toolchain@v0.0.1-go$want_go.linux-$arch go && rm -rf golang.org go.zip)
		chmod +x "$dir"/go/bin/* "$dir"/go/pkg/tool/*/* 2>/dev/null || true
	fi
	export PATH="$dir/go/bin:$PATH"
}

# What building and running need; what the tests need on top.
run_pkgs=(make gcc libc6-dev libsqlite3-mod-spatialite ca-certificates)
test_pkgs=(time osmium-tool spatialite-bin sqlite3 poppler-utils zbar-tools chromium wrk hyperfine)

case "$target" in
test | test-go | bench)
	# Ubuntu ships Chromium as chromium-browser (a snap wrapper), Debian as chromium.
	if ! installed chromium && command -v apt-get >/dev/null; then
		apt_update_once
		# (Read whole before grep: with pipefail, grep -q quitting early
		# makes apt-cache die of SIGPIPE and the test fail.)
		policy=$(apt-cache policy chromium 2>/dev/null || true)
		if ! grep -q 'Candidate: [0-9]' <<<"$policy"; then
			test_pkgs=("${test_pkgs[@]/#chromium/chromium-browser}")
		fi
	fi
	need_pkgs "${run_pkgs[@]}" "${test_pkgs[@]}"
	# Node (for the opening_hours reference oracle) may come from Debian or
	# from NodeSource, whose nodejs already holds npm: install only if absent.
	command -v npm >/dev/null || need_pkgs nodejs npm
	;;
*) need_pkgs "${run_pkgs[@]}" ;;
esac
ensure_go
exec make "${@:-demo}"
