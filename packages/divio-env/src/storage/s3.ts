// s3://KEY:SECRET@HOST/PREFIX?query and the split DEFAULT_STORAGE_* variables.
import { optional, percentDecode, splitUrl } from '../env.js';
import { Abandon, type Problems } from '../errors.js';
import { Secret } from '../secret.js';
import type { EnvSource, S3StorageConfig } from '../types.js';
import { domainBase, type Fail, parseEndpoint, queryBoolean, withSlash } from './common.js';

/** Divio's markers, in the order they are tried. */
export const S3_MARKERS = [
  '.s3-accesspoint-fips.dualstack.',
  '.s3-fips.dualstack.',
  '.s3-accesspoint.dualstack.',
  '.s3.dualstack.',
  '.s3-accesspoint.',
  '.s3-fips.',
  '.s3-',
  '.s3.',
] as const;

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACL = 'public-read';

export interface S3HostSplit {
  bucket: string;
  /** `https://...`, without trailing slash. */
  endpoint: string;
  /** `undefined` when the host names no region (then us-east-1 applies). */
  region?: string;
}

/**
 * Splits an S3 DSN host into bucket, endpoint and region exactly as Divio's
 * django-storage-url does. Returns `undefined` when the host cannot be split.
 */
export function splitS3Host(host: string): S3HostSplit | undefined {
  const lower = host.toLowerCase();
  for (const marker of S3_MARKERS) {
    const at = lower.indexOf(marker);
    if (at === -1) continue;
    const bucket = host.slice(0, at);
    const rest = lower.slice(at + marker.length);
    if (bucket === '' || rest === '') return undefined;
    const endpoint = `https://${marker.slice(1)}${rest}`;
    const label = rest.split('.')[0];
    const split: S3HostSplit = { bucket, endpoint };
    if (label && label !== 'amazonaws') split.region = label;
    return split;
  }
  // Non-AWS: BUCKET.ENDPOINT where ENDPOINT is the last three labels.
  const labels = host.split('.');
  if (labels.length < 4 || labels.some((l) => l === '')) return undefined;
  const endpointLabels = labels.slice(-3).map((l) => l.toLowerCase());
  const split: S3HostSplit = {
    bucket: labels.slice(0, -3).join('.'),
    endpoint: `https://${endpointLabels.join('.')}`,
  };
  const first = endpointLabels[0] as string;
  const dash = first.indexOf('-');
  if (dash !== -1 && dash < first.length - 1) split.region = first.slice(dash + 1);
  return split;
}

function addressing(query: URLSearchParams, dotted: boolean, fail: Fail): boolean {
  const style = query.get('addressing_style');
  if (style === null || style === '' || style === 'auto') return dotted;
  if (style === 'path') return true;
  if (style === 'virtual') return false;
  return fail('addressing_style= path, virtual or auto');
}

export function parseS3(value: string, variable: string, problems: Problems): S3StorageConfig {
  const fail: Fail = (expected) => {
    problems.add(variable, expected, value, 'url');
    throw new Abandon();
  };
  const shape = 's3://ACCESS_KEY_ID:SECRET@BUCKET.ENDPOINT/PREFIX?query';
  const parts = splitUrl(value);
  if (typeof parts === 'string') return fail(`${shape} (${parts})`);
  const decode = (raw: string | undefined, what: string): string => {
    const decoded = percentDecode(raw ?? '');
    if (decoded === undefined) return fail(`valid percent-encoding in the ${what}`);
    return decoded;
  };
  const accessKeyId = decode(parts.rawUser, 'access key id');
  const secret = decode(parts.rawPassword, 'secret access key');
  if (accessKeyId === '' || secret === '') return fail(`${shape}: the access key id and secret`);
  const host = decode(parts.rawHost, 'host');
  if (host === '' || parts.ipv6 || !/^[A-Za-z0-9._-]+$/.test(host)) {
    return fail(`${shape}: a host name`);
  }
  if (parts.rawPort !== undefined && !/^\d{1,5}$/.test(parts.rawPort)) {
    return fail(`${shape}: a numeric port`);
  }
  const hostPort = parts.rawPort === undefined ? host : `${host}:${parts.rawPort}`;
  const rawPrefix = decode(parts.rawPath, 'prefix').replace(/^\/+/, '');
  const prefix = rawPrefix === '' ? '' : withSlash(rawPrefix);
  const q = parts.query;

  let bucket: string;
  let endpoint: string;
  let region: string | undefined;
  let pathStyleDefault: boolean;
  const endpointParam = q.get('endpoint');
  if (endpointParam !== null && endpointParam !== '') {
    // Emulators and self-hosted S3: the whole host is the bucket, path-style requests.
    endpoint = parseEndpoint(endpointParam, fail);
    bucket = host;
    pathStyleDefault = true;
  } else {
    const split = splitS3Host(host);
    if (!split) return fail(`${shape}: a host BUCKET.s3.REGION.amazonaws.com or BUCKET.ENDPOINT`);
    bucket = split.bucket;
    endpoint = parts.rawPort === undefined ? split.endpoint : `${split.endpoint}:${parts.rawPort}`;
    region = split.region;
    pathStyleDefault = bucket.includes('.');
  }
  const regionName = q.get('region_name');
  if (regionName) region = regionName;
  const forcePathStyle = addressing(q, pathStyleDefault, fail);

  const url = q.get('url');
  const domain = q.get('domain');
  let publicBaseUrl: string;
  if (url) publicBaseUrl = withSlash(url);
  else if (domain) publicBaseUrl = `${domainBase(domain)}${prefix}`;
  else if (endpointParam) publicBaseUrl = `${endpoint}/${bucket}/${prefix}`;
  else publicBaseUrl = `https://${hostPort}/${prefix}`;

  const acl = q.get('acl');
  const config: S3StorageConfig = {
    backend: 's3',
    bucket,
    region: region ?? DEFAULT_REGION,
    endpoint,
    forcePathStyle,
    prefix,
    publicBaseUrl,
    signedUrls: queryBoolean(q, 'qs_auth', false, fail),
    accessKeyId,
    secretAccessKey: new Secret(secret),
  };
  // `acl=` (empty) sends no ACL at all, for buckets whose owner enforces object ownership.
  if (acl === null) config.acl = DEFAULT_ACL;
  else if (acl !== '') config.acl = acl;
  const auth = q.get('auth');
  if (auth) config.signatureVersion = auth;
  return config;
}

/** The split variables: `<PREFIX>_STORAGE_BUCKET`, `_ACCESS_KEY_ID`, ... */
export function parseS3Split(
  env: EnvSource,
  prefix: string,
  problems: Problems,
): S3StorageConfig | undefined {
  const name = (suffix: string) => `${prefix}_STORAGE_${suffix}`;
  const get = (suffix: string) => optional(env, name(suffix))?.trim();
  const bucket = get('BUCKET');
  const accessKeyId = get('ACCESS_KEY_ID');
  const secret = optional(env, name('SECRET_ACCESS_KEY'));
  const customDomain = get('CUSTOM_DOMAIN');
  const regionVar = get('REGION');
  const endpointVar = get('ENDPOINT');
  const before = problems.list.length;
  if (bucket === undefined) {
    problems.add(
      name('BUCKET'),
      'the bucket name (the other storage variables are set)',
      undefined,
      'plain',
    );
  } else if (!/^[A-Za-z0-9._-]+$/.test(bucket)) {
    problems.add(name('BUCKET'), 'a bucket name (letters, digits, ".", "-", "_")', bucket, 'plain');
  }
  if (accessKeyId === undefined) {
    problems.add(
      name('ACCESS_KEY_ID'),
      'the access key id (the bucket is set)',
      undefined,
      'plain',
    );
  }
  if (secret === undefined) {
    problems.add(
      name('SECRET_ACCESS_KEY'),
      'the secret access key (the bucket is set)',
      undefined,
      'plain',
    );
  }
  let endpoint: string | undefined;
  if (endpointVar !== undefined) {
    try {
      endpoint = parseEndpoint(endpointVar, (expected) => {
        problems.add(name('ENDPOINT'), expected.replace(/^endpoint= /, ''), endpointVar, 'url');
        throw new Abandon();
      });
    } catch (error) {
      if (!(error instanceof Abandon)) throw error;
    }
  }
  if (problems.list.length > before || !bucket || !accessKeyId || !secret) return undefined;
  const region = regionVar ?? DEFAULT_REGION;
  const dotted = bucket.includes('.');
  let config: S3StorageConfig;
  if (endpoint !== undefined) {
    config = {
      backend: 's3',
      bucket,
      region,
      endpoint,
      forcePathStyle: true,
      prefix: '',
      publicBaseUrl: customDomain ? domainBase(customDomain) : `${endpoint}/${bucket}/`,
      acl: DEFAULT_ACL,
      signedUrls: false,
      accessKeyId,
      secretAccessKey: new Secret(secret),
    };
  } else {
    const awsEndpoint = `https://s3.${region}.amazonaws.com`;
    config = {
      backend: 's3',
      bucket,
      region,
      endpoint: awsEndpoint,
      forcePathStyle: dotted,
      prefix: '',
      publicBaseUrl: customDomain
        ? domainBase(customDomain)
        : dotted
          ? `${awsEndpoint}/${bucket}/`
          : `https://${bucket}.s3.${region}.amazonaws.com/`,
      acl: DEFAULT_ACL,
      signedUrls: false,
      accessKeyId,
      secretAccessKey: new Secret(secret),
    };
  }
  return config;
}
