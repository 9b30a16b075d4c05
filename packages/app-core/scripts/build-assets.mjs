// Copies assets/ into dist/static/, minifying the CSS, and writes dist/static/manifest.json
// with a short content hash per file. Pages link `/static/app.css?v=<hash>`: the path stays
// the one the contract names while every change gets a new URL, so the long cache
// lifetime the server sends can never serve a stale stylesheet after a deploy.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'assets');
const target = join(root, 'dist', 'static');

/** Removes comments and collapsible whitespace; safe for the plain CSS this package ships. */
function minifyCss(css) {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{}:;,>])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();
}

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const manifest = {};
for (const name of readdirSync(source).sort()) {
  let content = readFileSync(join(source, name));
  if (name.endsWith('.css')) content = Buffer.from(minifyCss(content.toString('utf8')), 'utf8');
  writeFileSync(join(target, name), content);
  manifest[name] = createHash('sha256').update(content).digest('hex').slice(0, 12);
}
writeFileSync(join(target, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`static assets: ${Object.keys(manifest).join(', ')} -> dist/static`);
