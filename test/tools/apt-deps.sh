#!/usr/bin/env bash
# Installs (as root) the Debian packages the tests and benchmarks need, and fails loudly when one
# is missing and cannot be installed. Never skips: a test that needs a tool must get it.
set -euo pipefail
PKGS=(openssh-server openssh-client openssl sudo iptables nftables iproute2 procps psmisc stress-ng pdsh ansible chromium poppler-utils coreutils util-linux bubblewrap)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "error: the tests need these Debian packages: ${missing[*]}" >&2
    echo "       run the test command as root (it installs them), or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for bin in sshd ssh ssh-keygen sudo iptables nft ip tc stress-ng pdsh ansible chromium pdftoppm timeout setsid pkill bwrap unshare nsenter setpriv; do
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || { echo "error: required tool '$bin' is still missing after install" >&2; exit 1; }
done
echo "apt dependencies present: ${PKGS[*]}"
