// Creates blob containers in Azurite (or any Azure Blob endpoint that takes a shared key), so
// an app configured for `az://...` finds its container: Azurite starts empty and has no
// option to create one. Idempotent: an existing container counts as success.
//
//   AZURITE_URL         account endpoint, default http://azurite:10000/devstoreaccount1
//   AZURITE_CONTAINERS  comma-separated names, default media
//   AZURITE_ACCOUNT / AZURITE_ACCOUNT_KEY   default: the emulator's public well-known account
//   AZURITE_PUBLIC_ACCESS  blob (default: anonymous reads of blobs, like Divio's public
//                          media container), container, or none
//   AZURITE_WAIT_SECONDS   how long to retry while the emulator is not up yet (default 60)
//
// Plain fetch and HMAC (no SDK), so it runs on any Node image: `node create-containers.mjs`.
import { createHmac } from 'node:crypto';

const WELL_KNOWN_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const account = process.env.AZURITE_ACCOUNT || 'devstoreaccount1';
const key = Buffer.from(process.env.AZURITE_ACCOUNT_KEY || WELL_KNOWN_KEY, 'base64');
const base = (process.env.AZURITE_URL || `http://azurite:10000/${account}`).replace(/\/+$/, '');
const access = process.env.AZURITE_PUBLIC_ACCESS || 'blob';
const waitSeconds = Number(process.env.AZURITE_WAIT_SECONDS || '60');
const containers = (process.env.AZURITE_CONTAINERS || 'media')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);

if (!['blob', 'container', 'none'].includes(access)) {
  console.error(`AZURITE_PUBLIC_ACCESS must be blob, container or none, got "${access}"`);
  process.exit(1);
}
for (const name of containers) {
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
    console.error(`AZURITE_CONTAINERS: "${name}" is not a valid container name`);
    process.exit(1);
  }
}

/** Create Container, signed with the account key (SharedKey, service version 2021-08-06). */
async function createContainer(name) {
  const url = new URL(`${base}/${name}?restype=container`);
  const headers = { 'x-ms-date': new Date().toUTCString(), 'x-ms-version': '2021-08-06' };
  if (access !== 'none') headers['x-ms-blob-public-access'] = access;
  const canonicalHeaders = Object.keys(headers)
    .sort()
    .map((header) => `${header}:${headers[header]}\n`)
    .join('');
  // VERB, 11 standard headers (all empty: no body), the x-ms-* headers, then the resource.
  const stringToSign = `PUT\n${'\n'.repeat(11)}${canonicalHeaders}/${account}${url.pathname}\nrestype:container`;
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('base64');
  const response = await fetch(url, {
    method: 'PUT',
    headers: {
      ...headers,
      authorization: `SharedKey ${account}:${signature}`,
      'content-length': '0',
    },
    signal: AbortSignal.timeout(5000),
  });
  const code = response.headers.get('x-ms-error-code');
  if (response.status === 201) return 'created';
  if (response.status === 409 && code === 'ContainerAlreadyExists') return 'exists';
  throw new Error(`HTTP ${response.status} ${code ?? ''} from ${url.origin}`.trim());
}

const deadline = Date.now() + waitSeconds * 1000;
for (const name of containers) {
  for (;;) {
    try {
      console.log(`container ${name}: ${await createContainer(name)}`);
      break;
    } catch (error) {
      const unreachable = error instanceof TypeError || error?.name === 'TimeoutError';
      if (!unreachable || Date.now() > deadline) {
        console.error(
          `container ${name}: ${error.message}${unreachable ? ` (${base} unreachable)` : ''}`,
        );
        process.exit(1);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
