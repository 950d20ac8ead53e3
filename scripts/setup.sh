#!/usr/bin/env bash
# Set-up on a fresh Debian machine: the data-plane tools from Debian (as root), then aksnet and its
# development tools in ./.venv. Safe to run again. Debian's nginx service is never started: a
# policy-rc.d that refuses service starts is in place while apt installs it, and aksnet runs nginx only
# inside its own network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v nft >/dev/null 2>&1 || need_apt+=(nftables)
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
# the Azure Firewall namespace's application rules: NGINX's stream module (ssl_preread judges TLS by SNI)
[ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || need_apt+=(libnginx-mod-stream)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\n# aksnet setup: no service starts during install\nexit 101\n' > /usr/sbin/policy-rc.d
      chmod +x /usr/sbin/policy-rc.d; made_policy=1
    fi
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  else
    echo "setup: not root or no apt-get: skipping ${need_apt[*]} (the data plane needs the network tools, aksnet ui needs graphviz, its browser tests need chromium; analyses need none)" >&2
  fi
fi

py="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$py" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev,live]'
echo "setup: done. Activate with: . .venv/bin/activate"
