// az://ACCOUNT:CREDENTIAL@blob.core.windows.net/CONTAINER?query
import { percentDecode, splitUrl } from '../env.js';
import { Abandon, type Problems } from '../errors.js';
import { Secret } from '../secret.js';
import type { AzureCredential, AzureStorageConfig } from '../types.js';
import { domainBase, type Fail, parseEndpoint, queryBoolean, withSlash } from './common.js';

export const DEFAULT_AZURE_HOST = 'blob.core.windows.net';
export const DEFAULT_CONTAINER = 'public-media';

/**
 * Divio's rule: re-pad the credential to a multiple of 4 and base64-decode it; printable
 * ASCII that parses as a query string with `sig` is a SAS token, anything else is the
 * account key (kept as written). A credential that already is a query string with `sig`
 * (a raw SAS, percent-encoded into the DSN) is accepted as a SAS too.
 */
export function detectAzureCredential(credential: string): AzureCredential {
  const asSas = (text: string): string | undefined => {
    const token = text.startsWith('?') ? text.slice(1) : text;
    return new URLSearchParams(token).has('sig') ? token : undefined;
  };
  const raw = credential.includes('=') && credential.includes('&') ? asSas(credential) : undefined;
  if (raw) return { kind: 'sas', sasToken: new Secret(raw) };
  const padded = credential + '='.repeat((4 - (credential.length % 4)) % 4);
  if (/^[A-Za-z0-9+/_-]*={0,2}$/.test(padded)) {
    const bytes = Buffer.from(padded, 'base64');
    if (bytes.length > 0 && bytes.every((b) => b >= 0x20 && b <= 0x7e)) {
      const sas = asSas(bytes.toString('ascii'));
      if (sas) return { kind: 'sas', sasToken: new Secret(sas) };
    }
  }
  return { kind: 'key', accountKey: new Secret(credential) };
}

export function parseAzure(
  value: string,
  variable: string,
  problems: Problems,
): AzureStorageConfig {
  const fail: Fail = (expected) => {
    problems.add(variable, expected, value, 'url');
    throw new Abandon();
  };
  const shape = 'az://ACCOUNT:CREDENTIAL@blob.core.windows.net/CONTAINER?query';
  const parts = splitUrl(value);
  if (typeof parts === 'string') return fail(`${shape} (${parts})`);
  const decode = (raw: string | undefined, what: string): string => {
    const decoded = percentDecode(raw ?? '');
    if (decoded === undefined) return fail(`valid percent-encoding in the ${what}`);
    return decoded;
  };
  const account = decode(parts.rawUser, 'account');
  const credential = decode(parts.rawPassword, 'credential');
  if (!/^[a-z0-9]{1,64}$/i.test(account)) return fail(`${shape}: a storage account name`);
  if (credential === '') return fail(`${shape}: an account key or SAS token`);
  let host = decode(parts.rawHost, 'host').toLowerCase() || DEFAULT_AZURE_HOST;
  if (!/^[a-z0-9.-]+$/.test(host) || parts.ipv6) return fail(`${shape}: a host name`);
  if (host.startsWith(`${account.toLowerCase()}.`)) host = host.slice(account.length + 1);
  const portSuffix = parts.rawPort === undefined ? '' : `:${parts.rawPort}`;
  if (parts.rawPort !== undefined && !/^\d{1,5}$/.test(parts.rawPort)) {
    return fail(`${shape}: a numeric port`);
  }
  const path = decode(parts.rawPath, 'container').replace(/^\/+|\/+$/g, '');
  if (path.includes('/')) return fail(`${shape}: one container name, without slashes`);
  const container = path || DEFAULT_CONTAINER;
  const q = parts.query;
  const endpointParam = q.get('endpoint');
  const endpoint = endpointParam
    ? parseEndpoint(endpointParam, fail)
    : `https://${account}.${host}${portSuffix}`;

  const url = q.get('url');
  const domain = q.get('domain');
  let publicBaseUrl: string;
  if (url) {
    if (new URLSearchParams(url.split('?')[1] ?? '').has('sig')) {
      return fail('url= a public URL without a SAS token (sig=)');
    }
    publicBaseUrl = withSlash(url);
  } else if (domain) publicBaseUrl = `${domainBase(domain)}${container}/`;
  else publicBaseUrl = `${endpoint}/${container}/`;

  return {
    backend: 'azure',
    account,
    container,
    credential: detectAzureCredential(credential),
    endpoint,
    publicBaseUrl,
    signedUrls: queryBoolean(q, 'qs_auth', false, fail),
  };
}
