#!/usr/bin/env bash
# Installs (as root) the Debian packages the tests and benchmarks need, and fails loudly when one
# is missing and cannot be installed. Never skips: a test that needs a tool must get it.
set -euo pipefail
PKGS=(openssh-server openssh-client openssl sudo iptables nftables iproute2 procps psmisc stress-ng pdsh ansible chromium poppler-utils coreutils util-linux bubblewrap)
# kubectl 1.20 from Debian's kubernetes-client: the real client the Kubernetes test server is checked
# with (test/integration/k8s-kubectl.test.ts, test/k8s/kubectl-bin.ts). Where /usr/bin/kubectl already
# belongs to another package (Google Cloud SDK's `kubectl`), installing would overwrite that file, so
# the same .deb is unpacked into $KUBECTL_DEB_DIR instead and the test runs that binary.
KUBECTL_DEB_DIR=/var/cache/gameday-tests/kubernetes-client
kubectl_unpacked=false
if ! dpkg-query -W -f='${Status}' kubernetes-client 2>/dev/null | grep -q "install ok installed" && [ ! -x "$KUBECTL_DEB_DIR/usr/bin/kubectl" ]; then
  if dpkg-query -S /usr/bin/kubectl >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
      echo "error: the tests need Debian's kubectl 1.20 (package kubernetes-client) unpacked into $KUBECTL_DEB_DIR" >&2
      echo "       run the test command as root (it unpacks it), since /usr/bin/kubectl belongs to: $(dpkg-query -S /usr/bin/kubectl | cut -d: -f1)" >&2
      exit 1
    fi
    deb_tmp=$(mktemp -d)
    chmod 777 "$deb_tmp" # apt-get download drops to the _apt user
    ( cd "$deb_tmp" && { apt-get download -qq kubernetes-client 2>/dev/null || { apt-get update -qq && apt-get download -qq kubernetes-client; }; } )
    mkdir -p "$KUBECTL_DEB_DIR"
    dpkg-deb -x "$deb_tmp"/kubernetes-client_*.deb "$KUBECTL_DEB_DIR"
    rm -rf "$deb_tmp"
    kubectl_unpacked=true
  else
    PKGS+=(kubernetes-client)
  fi
fi
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
if ! command -v kubectl >/dev/null 2>&1 && [ ! -x "$KUBECTL_DEB_DIR/usr/bin/kubectl" ]; then
  echo "error: kubectl (Debian's kubernetes-client) is still missing after install" >&2; exit 1
fi
$kubectl_unpacked && echo "kubernetes-client unpacked into $KUBECTL_DEB_DIR (its /usr/bin/kubectl is another package's)"
echo "apt dependencies present: ${PKGS[*]}"
