import { describe, expect, it } from 'vitest';
import { type AzureStorageConfig, detectAzureCredential, readStorage } from '../src/index.js';
import { expectDivioEnvError } from './helpers.js';

const az = (dsn: string): AzureStorageConfig => {
  const config = readStorage({ DEFAULT_STORAGE_DSN: dsn });
  if (config.backend !== 'azure') throw new Error(`expected azure, got ${config.backend}`);
  return config;
};

// A real-shaped account key: 64 random bytes in base64 (88 characters, ends in ==).
const ACCOUNT_KEY = Buffer.alloc(64, 7).toString('base64');
// Azurite's well-known development key (public, documented by Microsoft).
const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const SAS = 'sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2030-01-01T00:00:00Z&sig=abc%2Bdef%3D';
const sasB64 = (padding: boolean) => {
  const b64 = Buffer.from(SAS, 'ascii').toString('base64');
  return padding ? b64 : b64.replace(/=+$/, '');
};

describe('credential detection', () => {
  it('an account key stays a key, as written', () => {
    const c = detectAzureCredential(ACCOUNT_KEY);
    expect(c.kind).toBe('key');
    expect(c.kind === 'key' && c.accountKey.reveal()).toBe(ACCOUNT_KEY);
  });
  it('the Azurite key is a key', () => {
    expect(detectAzureCredential(AZURITE_KEY).kind).toBe('key');
  });
  it('a base64 SAS token (padded) is a SAS', () => {
    const c = detectAzureCredential(sasB64(true));
    expect(c.kind === 'sas' && c.sasToken.reveal()).toBe(SAS);
  });
  it('a base64 SAS token without its padding is re-padded', () => {
    const unpadded = sasB64(false);
    expect(unpadded.length % 4).not.toBe(0);
    const c = detectAzureCredential(unpadded);
    expect(c.kind === 'sas' && c.sasToken.reveal()).toBe(SAS);
  });
  it('a base64 SAS token with a leading ? loses it', () => {
    const c = detectAzureCredential(Buffer.from(`?${SAS}`).toString('base64'));
    expect(c.kind === 'sas' && c.sasToken.reveal()).toBe(SAS);
  });
  it('a raw SAS query string is a SAS', () => {
    const c = detectAzureCredential(SAS);
    expect(c.kind === 'sas' && c.sasToken.reveal()).toBe(SAS);
  });
  it('base64 text without sig is a key', () => {
    expect(detectAzureCredential(Buffer.from('sv=1&sp=r').toString('base64')).kind).toBe('key');
  });
  it('a key with no padding stays as written', () => {
    const key = ACCOUNT_KEY.replace(/=+$/, '');
    const c = detectAzureCredential(key);
    expect(c.kind === 'key' && c.accountKey.reveal()).toBe(key);
  });
  it('JSON never shows the credential', () => {
    expect(JSON.stringify(detectAzureCredential(SAS))).toBe('{"kind":"sas","sasToken":"***"}');
  });
});

describe('az:// DSNs', () => {
  const key = encodeURIComponent(ACCOUNT_KEY);
  const cases: [string, Partial<AzureStorageConfig> & { credentialKind?: string }][] = [
    [
      `az://myaccount:${key}@blob.core.windows.net/media`,
      {
        account: 'myaccount',
        container: 'media',
        endpoint: 'https://myaccount.blob.core.windows.net',
        publicBaseUrl: 'https://myaccount.blob.core.windows.net/media/',
        signedUrls: false,
        credentialKind: 'key',
      },
    ],
    [`az://myaccount:${key}@blob.core.windows.net/`, { container: 'public-media' }],
    [`az://myaccount:${key}@blob.core.windows.net`, { container: 'public-media' }],
    [`az://myaccount:${key}@blob.core.windows.net/media/`, { container: 'media' }],
    [`az://myaccount:${key}@/media`, { endpoint: 'https://myaccount.blob.core.windows.net' }],
    [
      `az://myaccount:${key}@myaccount.blob.core.windows.net/c`,
      { endpoint: 'https://myaccount.blob.core.windows.net' },
    ],
    [`azure://myaccount:${key}@blob.core.windows.net/c`, { account: 'myaccount', container: 'c' }],
    [
      `az://myaccount:${key}@blob.core.windows.net/media?domain=cdn.example.com`,
      { publicBaseUrl: 'https://cdn.example.com/media/' },
    ],
    [
      `az://myaccount:${key}@blob.core.windows.net/media?url=https%3A%2F%2Fcdn.example.com%2Fm`,
      { publicBaseUrl: 'https://cdn.example.com/m/' },
    ],
    [`az://myaccount:${key}@blob.core.windows.net/media?qs_auth=yes`, { signedUrls: true }],
    [
      `az://myaccount:${encodeURIComponent(sasB64(false))}@blob.core.windows.net/media`,
      { credentialKind: 'sas', publicBaseUrl: 'https://myaccount.blob.core.windows.net/media/' },
    ],
    // Azurite, the emulator.
    [
      `az://devstoreaccount1:${encodeURIComponent(AZURITE_KEY)}@blob.core.windows.net/media?endpoint=http%3A%2F%2F127.0.0.1%3A10000%2Fdevstoreaccount1`,
      {
        account: 'devstoreaccount1',
        container: 'media',
        endpoint: 'http://127.0.0.1:10000/devstoreaccount1',
        publicBaseUrl: 'http://127.0.0.1:10000/devstoreaccount1/media/',
        credentialKind: 'key',
      },
    ],
  ];
  it.each(cases)('%s', (dsn, expected) => {
    const c = az(dsn);
    const { credentialKind, ...rest } = expected;
    expect(c).toMatchObject(rest);
    if (credentialKind) expect(c.credential.kind).toBe(credentialKind);
  });

  it('never puts the SAS token into the public URL', () => {
    const c = az(`az://acct:${encodeURIComponent(sasB64(true))}@blob.core.windows.net/m`);
    expect(c.publicBaseUrl).not.toContain('sig');
    expect(JSON.stringify(c)).not.toContain('sig=');
  });

  it('the key survives percent-decoding (+ / =)', () => {
    const c = az(`az://acct:${key}@blob.core.windows.net/m`);
    expect(c.credential.kind === 'key' && c.credential.accountKey.reveal()).toBe(ACCOUNT_KEY);
  });

  const errors: [string, RegExp][] = [
    ['az://:KEY@blob.core.windows.net/c', /storage account name/],
    ['az://bad-account!:KEY@blob.core.windows.net/c', /storage account name/],
    ['az://acct@blob.core.windows.net/c', /account key or SAS token/],
    ['az://acct:KEY@blob.core.windows.net/a/b', /without slashes/],
    ['az://acct:KEY@bad_host!/c', /host name/],
    ['az://acct:KEY@blob.core.windows.net/c?endpoint=nope', /^endpoint=/],
    ['az://acct:KEY@blob.core.windows.net/c?qs_auth=perhaps', /qs_auth=/],
    [
      'az://acct:KEY@blob.core.windows.net/c?url=https%3A%2F%2Fx%2F%3Fsv%3D1%26sig%3Dabc',
      /without a SAS token/,
    ],
  ];
  it.each(errors)('rejects %s', (dsn, message) => {
    const error = expectDivioEnvError(() => az(dsn));
    expect(error.problems[0]?.expected).toMatch(message);
    expect(error.message).not.toContain(':KEY@');
  });
});
