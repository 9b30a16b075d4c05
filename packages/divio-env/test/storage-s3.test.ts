import { describe, expect, it } from 'vitest';
import { readStorage, S3_MARKERS, type S3StorageConfig, splitS3Host } from '../src/index.js';
import { expectDivioEnvError } from './helpers.js';

const s3 = (dsn: string): S3StorageConfig => {
  const config = readStorage({ DEFAULT_STORAGE_DSN: dsn });
  if (config.backend !== 's3') throw new Error(`expected s3, got ${config.backend}`);
  return config;
};

describe('facts file examples', () => {
  it('AWS, dotted bucket, no region', () => {
    const c = s3(
      's3://A5JHDYDTYZ3PLOF:t62LdAvROXgFR14%2BOwidSI6N9WQL454G0ipJY@example-live-b328-c967f23.divio-media.org.s3.amazonaws.com/?auth=s3v4&domain=example-live-b328-c967f23.divio-media.org',
    );
    expect(c).toMatchObject({
      bucket: 'example-live-b328-c967f23.divio-media.org',
      endpoint: 'https://s3.amazonaws.com',
      region: 'us-east-1',
      forcePathStyle: true,
      prefix: '',
      publicBaseUrl: 'https://example-live-b328-c967f23.divio-media.org/',
      acl: 'public-read',
      signedUrls: false,
      signatureVersion: 's3v4',
      accessKeyId: 'A5JHDYDTYZ3PLOF',
    });
    expect(c.secretAccessKey.reveal()).toBe('t62LdAvROXgFR14+OwidSI6N9WQL454G0ipJY');
  });
  it('AWS, s3-REGION host', () => {
    const c = s3(
      's3://AKAIIE7LUT6ODIJA:TZJYGCfUZheXG%2BwabbotgBs6d2lxZW06OIbD@example-test-68564d3f.aldryn-media.io.s3-eu-central-1.amazonaws.com/?domain=example-test-68564d3f.aldryn-media.io',
    );
    expect(c).toMatchObject({
      bucket: 'example-test-68564d3f.aldryn-media.io',
      region: 'eu-central-1',
      endpoint: 'https://s3-eu-central-1.amazonaws.com',
      forcePathStyle: true,
      publicBaseUrl: 'https://example-test-68564d3f.aldryn-media.io/',
    });
    expect(c.secretAccessKey.reveal()).toBe('TZJYGCfUZheXG+wabbotgBs6d2lxZW06OIbD');
  });
  it('Exoscale (no marker)', () => {
    const c = s3(
      's3://EXO52e55b187195d:iITF12F1tim9zBxITexrvL_bAghgK_z4w1hEuu@example-test-765482644ac5-f0596a8.sos-ch-dk-2.exo.io/?auth=s3',
    );
    expect(c).toMatchObject({
      bucket: 'example-test-765482644ac5-f0596a8',
      endpoint: 'https://sos-ch-dk-2.exo.io',
      region: 'ch-dk-2',
      forcePathStyle: false,
      signatureVersion: 's3',
      publicBaseUrl: 'https://example-test-765482644ac5-f0596a8.sos-ch-dk-2.exo.io/',
    });
  });
});

describe('splitS3Host: all eight markers, in order', () => {
  const cases: [string, { bucket: string; endpoint: string; region?: string }][] = [
    [
      'b.s3-accesspoint-fips.dualstack.us-gov-west-1.amazonaws.com',
      {
        bucket: 'b',
        endpoint: 'https://s3-accesspoint-fips.dualstack.us-gov-west-1.amazonaws.com',
        region: 'us-gov-west-1',
      },
    ],
    [
      'b.s3-fips.dualstack.us-east-2.amazonaws.com',
      {
        bucket: 'b',
        endpoint: 'https://s3-fips.dualstack.us-east-2.amazonaws.com',
        region: 'us-east-2',
      },
    ],
    [
      'b.s3-accesspoint.dualstack.eu-west-1.amazonaws.com',
      {
        bucket: 'b',
        endpoint: 'https://s3-accesspoint.dualstack.eu-west-1.amazonaws.com',
        region: 'eu-west-1',
      },
    ],
    [
      'b.s3.dualstack.ap-south-1.amazonaws.com',
      {
        bucket: 'b',
        endpoint: 'https://s3.dualstack.ap-south-1.amazonaws.com',
        region: 'ap-south-1',
      },
    ],
    [
      'b.s3-accesspoint.eu-north-1.amazonaws.com',
      {
        bucket: 'b',
        endpoint: 'https://s3-accesspoint.eu-north-1.amazonaws.com',
        region: 'eu-north-1',
      },
    ],
    [
      'b.s3-fips.us-west-1.amazonaws.com',
      { bucket: 'b', endpoint: 'https://s3-fips.us-west-1.amazonaws.com', region: 'us-west-1' },
    ],
    [
      'b.s3-eu-west-3.amazonaws.com',
      { bucket: 'b', endpoint: 'https://s3-eu-west-3.amazonaws.com', region: 'eu-west-3' },
    ],
    [
      'b.s3.eu-west-2.amazonaws.com',
      { bucket: 'b', endpoint: 'https://s3.eu-west-2.amazonaws.com', region: 'eu-west-2' },
    ],
    ['b.s3.amazonaws.com', { bucket: 'b', endpoint: 'https://s3.amazonaws.com' }],
    [
      'my.dotted.bucket.s3.amazonaws.com',
      { bucket: 'my.dotted.bucket', endpoint: 'https://s3.amazonaws.com' },
    ],
    // Order matters: ".s3-" is tried before ".s3." even when ".s3." comes first in the host.
    ['a.s3.b.s3-c.d.e', { bucket: 'a.s3.b', endpoint: 'https://s3-c.d.e', region: 'c' }],
    // Non-AWS: bucket + last three labels; region after the first dash.
    [
      'media.sos-ch-dk-2.exo.io',
      { bucket: 'media', endpoint: 'https://sos-ch-dk-2.exo.io', region: 'ch-dk-2' },
    ],
    ['my.bucket.minio.example.com', { bucket: 'my.bucket', endpoint: 'https://minio.example.com' }],
    [
      'b.fra1.digitaloceanspaces.com',
      { bucket: 'b', endpoint: 'https://fra1.digitaloceanspaces.com' },
    ],
  ];
  it.each(cases)('%s', (host, expected) => {
    expect(splitS3Host(host)).toEqual(expected);
  });
  it('has the eight markers in Divio order', () => {
    expect(S3_MARKERS).toHaveLength(8);
    expect(S3_MARKERS[0]).toBe('.s3-accesspoint-fips.dualstack.');
    expect(S3_MARKERS[7]).toBe('.s3.');
  });
  it.each(['minio.example.com', 'localhost', 'a..b.c.d', '.s3.amazonaws.com', 'b.s3.'])(
    'cannot split %s',
    (host) => {
      expect(splitS3Host(host)).toBeUndefined();
    },
  );
});

describe('query options', () => {
  const base = 's3://KEY:SECRET@bucket.s3.eu-west-1.amazonaws.com';
  const cases: [string, Partial<S3StorageConfig>][] = [
    [
      '/',
      {
        prefix: '',
        publicBaseUrl: 'https://bucket.s3.eu-west-1.amazonaws.com/',
        region: 'eu-west-1',
        forcePathStyle: false,
      },
    ],
    ['', { prefix: '', publicBaseUrl: 'https://bucket.s3.eu-west-1.amazonaws.com/' }],
    [
      '/media',
      { prefix: 'media/', publicBaseUrl: 'https://bucket.s3.eu-west-1.amazonaws.com/media/' },
    ],
    ['/media/sub/', { prefix: 'media/sub/' }],
    ['/?domain=cdn.example.com', { publicBaseUrl: 'https://cdn.example.com/' }],
    ['/m/?domain=cdn.example.com', { publicBaseUrl: 'https://cdn.example.com/m/' }],
    ['/?domain=http%3A%2F%2Fcdn.local', { publicBaseUrl: 'http://cdn.local/' }],
    ['/m/?url=https%3A%2F%2Fcdn.example.com%2Fx', { publicBaseUrl: 'https://cdn.example.com/x/' }],
    ['/?url=https://a/&domain=b', { publicBaseUrl: 'https://a/' }],
    ['/?acl=private', { acl: 'private' }],
    ['/?acl=', { acl: undefined }],
    ['/?qs_auth=1', { signedUrls: true }],
    ['/?qs_auth=true', { signedUrls: true }],
    ['/?qs_auth=Yes', { signedUrls: true }],
    ['/?qs_auth=on', { signedUrls: true }],
    ['/?qs_auth=0', { signedUrls: false }],
    ['/?region_name=eu-central-2', { region: 'eu-central-2' }],
    ['/?addressing_style=path', { forcePathStyle: true }],
    ['/?addressing_style=auto', { forcePathStyle: false }],
    ['/?addressing_style=virtual', { forcePathStyle: false }],
    ['/?auth=s3v4', { signatureVersion: 's3v4' }],
  ];
  it.each(cases)('%s', (suffix, expected) => {
    const c = s3(`${base}${suffix}`);
    for (const [key, value] of Object.entries(expected)) {
      expect((c as unknown as Record<string, unknown>)[key], key).toEqual(value);
    }
  });
  it('virtual style can be forced for a dotted bucket', () => {
    expect(s3('s3://K:S@a.b.s3.amazonaws.com/?addressing_style=virtual').forcePathStyle).toBe(
      false,
    );
  });
  it('region_name overrides the region of a non-AWS host', () => {
    expect(s3('s3://K:S@b.objects.example.com/?region_name=nyc3').region).toBe('nyc3');
  });
  it('non-AWS without a dash in the first endpoint label: us-east-1', () => {
    expect(s3('s3://K:S@b.objects.example.com/').region).toBe('us-east-1');
  });
  it('keeps an explicit port in the endpoint', () => {
    expect(s3('s3://K:S@b.s3.example.com:9000/').endpoint).toBe('https://s3.example.com:9000');
  });
});

describe('?endpoint= (emulators, self-hosted S3)', () => {
  it('path style against the endpoint, the whole host is the bucket', () => {
    const c = s3('s3://KEY:SECRET@bucket/?endpoint=http%3A%2F%2F127.0.0.1%3A4568');
    expect(c).toMatchObject({
      bucket: 'bucket',
      endpoint: 'http://127.0.0.1:4568',
      region: 'us-east-1',
      forcePathStyle: true,
      publicBaseUrl: 'http://127.0.0.1:4568/bucket/',
    });
  });
  it('dotted bucket names stay whole; prefix and region apply', () => {
    const c = s3('s3://K:S@my.bucket/media?endpoint=http://localhost:9000/&region_name=eu-west-1');
    expect(c).toMatchObject({
      bucket: 'my.bucket',
      endpoint: 'http://localhost:9000',
      region: 'eu-west-1',
      prefix: 'media/',
      publicBaseUrl: 'http://localhost:9000/my.bucket/media/',
    });
  });
  it('domain and url still win for public URLs', () => {
    expect(s3('s3://K:S@b/?endpoint=http://e:1&domain=cdn.x').publicBaseUrl).toBe('https://cdn.x/');
    expect(s3('s3://K:S@b/?endpoint=http://e:1&url=%2Fm').publicBaseUrl).toBe('/m/');
  });
  it.each(['ftp://e', 'not a url', 'http://user:pw@e:1', 'http://e:1/?x=1'])(
    'rejects endpoint=%s',
    (endpoint) => {
      const error = expectDivioEnvError(() =>
        s3(`s3://K:S@b/?endpoint=${encodeURIComponent(endpoint)}`),
      );
      expect(error.problems[0]?.expected).toMatch(/^endpoint=/);
      expect(error.message).not.toContain(':pw@');
    },
  );
});

describe('split DEFAULT_STORAGE_* variables', () => {
  const base = {
    DEFAULT_STORAGE_BUCKET: 'media-bucket',
    DEFAULT_STORAGE_ACCESS_KEY_ID: 'AKIA1',
    DEFAULT_STORAGE_SECRET_ACCESS_KEY: 'split-secret',
  };
  it('AWS defaults', () => {
    const c = readStorage(base);
    expect(c).toMatchObject({
      backend: 's3',
      bucket: 'media-bucket',
      region: 'us-east-1',
      endpoint: 'https://s3.us-east-1.amazonaws.com',
      forcePathStyle: false,
      publicBaseUrl: 'https://media-bucket.s3.us-east-1.amazonaws.com/',
      acl: 'public-read',
      accessKeyId: 'AKIA1',
    });
    expect((c as S3StorageConfig).secretAccessKey.reveal()).toBe('split-secret');
  });
  it('region, custom domain', () => {
    const c = readStorage({
      ...base,
      DEFAULT_STORAGE_REGION: 'eu-central-1',
      DEFAULT_STORAGE_CUSTOM_DOMAIN: 'media.example.com',
    });
    expect(c).toMatchObject({
      region: 'eu-central-1',
      endpoint: 'https://s3.eu-central-1.amazonaws.com',
      publicBaseUrl: 'https://media.example.com/',
    });
  });
  it('dotted bucket: path style', () => {
    const c = readStorage({ ...base, DEFAULT_STORAGE_BUCKET: 'media.example.com' });
    expect(c).toMatchObject({
      forcePathStyle: true,
      publicBaseUrl: 'https://s3.us-east-1.amazonaws.com/media.example.com/',
    });
  });
  it('non-AWS endpoint', () => {
    const c = readStorage({ ...base, DEFAULT_STORAGE_ENDPOINT: 'http://127.0.0.1:4568/' });
    expect(c).toMatchObject({
      endpoint: 'http://127.0.0.1:4568',
      forcePathStyle: true,
      publicBaseUrl: 'http://127.0.0.1:4568/media-bucket/',
    });
  });
  it('the DSN wins over split variables', () => {
    expect(readStorage({ ...base, DEFAULT_STORAGE_DSN: 'file:///x' }).backend).toBe('file');
  });
  it('lists every missing split variable at once, never the secret', () => {
    const error = expectDivioEnvError(() =>
      readStorage({
        DEFAULT_STORAGE_SECRET_ACCESS_KEY: 'only-the-secret',
        DEFAULT_STORAGE_ENDPOINT: 'ftp://x',
      }),
    );
    expect(error.problems.map((p) => p.variable)).toEqual([
      'DEFAULT_STORAGE_BUCKET',
      'DEFAULT_STORAGE_ACCESS_KEY_ID',
      'DEFAULT_STORAGE_ENDPOINT',
    ]);
    expect(JSON.stringify(error)).not.toContain('only-the-secret');
  });
});

describe('errors', () => {
  const cases: [string, RegExp][] = [
    ['s3://KEY:SECRET@localhost/', /BUCKET\.s3\.REGION/],
    ['s3://KEY@b.s3.amazonaws.com/', /access key id and secret/],
    ['s3://:SECRET@b.s3.amazonaws.com/', /access key id and secret/],
    ['s3:b.s3.amazonaws.com', /s3:\/\//],
    ['s3://K:S@b.s3.amazonaws.com/?qs_auth=maybe', /qs_auth= a boolean/],
    ['s3://K:S@b.s3.amazonaws.com/?addressing_style=sideways', /addressing_style=/],
    ['s3://K:S@[::1]/', /host name/],
    ['s3://K:S@b.s3.amazonaws.com:x/', /numeric port/],
    ['s3://K:S%ZZ@b.s3.amazonaws.com/', /percent-encoding in the secret/],
    ['gs://K:S@bucket/', /not "gs"/],
  ];
  it.each(cases)('%s', (dsn, message) => {
    const error = expectDivioEnvError(() => readStorage({ DEFAULT_STORAGE_DSN: dsn }));
    expect(error.problems[0]?.variable).toBe('DEFAULT_STORAGE_DSN');
    expect(error.problems[0]?.expected).toMatch(message);
  });
  it('masks the secret in the value', () => {
    const error = expectDivioEnvError(() =>
      readStorage({ DEFAULT_STORAGE_DSN: 's3://KEY:VerySecret%2Bx@localhost/' }),
    );
    expect(error.problems[0]?.value).toBe('s3://KEY:***@localhost/');
  });
  it('JSON.stringify of a config masks the secret', () => {
    const json = JSON.stringify(s3('s3://KEY:VerySecret@b.s3.amazonaws.com/'));
    expect(json).not.toContain('VerySecret');
    expect(json).toContain('"secretAccessKey":"***"');
  });
});
