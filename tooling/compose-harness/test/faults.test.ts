import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AZURITE_EMULATOR } from '../src/conventions.js';
import { renderFaultStack, renderNginxConfig, replicaNames } from '../src/fault-stack.js';
import { renderFaultTable } from '../src/faults.js';
import type { ComposeConfig } from '../src/override.js';
import { envFileEntries, StreamScanner, secretNeedles, secretsOfEnvFile } from '../src/secrets.js';
import { manifest, tempDir } from './helpers.js';

const ENV_LOCAL = `# comment
STAGE=local
SECRET_KEY=local-development-key-not-a-secret
DATABASE_URL=postgres://postgres@database_default:5432/db
#DEFAULT_STORAGE_DSN=s3://S3RVER:S3RVER@media/?endpoint=x
#DEFAULT_STORAGE_DSN=s3://AKIA:abc%2Bdef@bucket.s3.amazonaws.com/
#DEFAULT_STORAGE_DSN=az://devstoreaccount1:${encodeURIComponent(AZURITE_EMULATOR.accountKey)}@blob.core.windows.net/media
`;

describe('secret needles', () => {
  it('reads KEY=value lines, commented-out ones included', () => {
    expect(envFileEntries('A=1\n#B=2\n# not an entry\n  C = 3')).toEqual([
      ['A', '1'],
      ['B', '2'],
    ]);
  });

  it('takes secret-named variables and the passwords inside URLs, decoded and raw', () => {
    const values = secretsOfEnvFile(ENV_LOCAL, '.env-local').map((n) => n.value);
    expect(values).toContain('local-development-key-not-a-secret');
    expect(values).toContain('S3RVER');
    expect(secretsOfEnvFile(ENV_LOCAL, '.env-local').map((n) => n.name)).toContain(
      '.env-local DEFAULT_STORAGE_DSN (password, percent-encoded)',
    );
    expect(values).toContain('abc+def');
    expect(values).toContain('abc%2Bdef');
    expect(values).not.toContain('local');
    expect(values.some((v) => v.includes('postgres'))).toBe(false);
  });

  it("names needles by where they come from and leaves out the emulators' public keys", () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, '.env-local'), ENV_LOCAL);
      const needles = secretNeedles(dir.path, [manifest({}, dir.path)], {
        SECRET_KEY: 'contract-secret',
        STAGE: 'test',
      });
      const values = needles.map((n) => n.value);
      expect(values).not.toContain(AZURITE_EMULATOR.accountKey);
      expect(values).not.toContain(encodeURIComponent(AZURITE_EMULATOR.accountKey));
      expect(values).not.toContain('S3RVER');
      expect(values).toContain('abc+def');
      expect(needles).toContainEqual({
        name: '.env-local SECRET_KEY',
        value: 'local-development-key-not-a-secret',
      });
      expect(needles).toContainEqual({
        name: 'the contract environment SECRET_KEY',
        value: 'contract-secret',
      });
      // Deduplicated by value.
      expect(new Set(needles.map((n) => n.value)).size).toBe(needles.length);
    } finally {
      dir.remove();
    }
  });
});

describe('StreamScanner', () => {
  it('finds a needle that straddles two chunks', () => {
    const scanner = new StreamScanner(['secret-value', 'absent']);
    scanner.push(Buffer.from('xxxx secr'));
    scanner.push(Buffer.from('et-'));
    scanner.push(Buffer.from('value yyyy'));
    expect([...scanner.found]).toEqual([0]);
    expect(scanner.bytes).toBe(22);
  });

  it('finds needles inside one chunk and reports nothing when clean', () => {
    const scanner = new StreamScanner(['a1', 'b2']);
    scanner.push(Buffer.from('zz b2 zz'));
    expect([...scanner.found]).toEqual([1]);
    const clean = new StreamScanner(['needle']);
    clean.push(Buffer.alloc(100_000, 'n'));
    expect(clean.found.size).toBe(0);
  });
});

const config: ComposeConfig = {
  services: {
    web: { build: {}, environment: { STAGE: 'local', DEBUG: 'True' } },
    database_default: {
      image: 'pg:15',
      environment: { POSTGRES_DB: 'db', POSTGRES_HOST_AUTH_METHOD: 'trust' },
      volumes: ['/x:/app:rw'],
      healthcheck: { test: ['CMD', 'true'] },
    },
    s3: { image: 's3rver:3', profiles: ['s3'], healthcheck: { test: ['CMD', 'true'] } },
  },
};

describe('renderFaultStack', () => {
  it('read-only: one web service, read_only, a tmpfs at /tmp and a volume at /data', () => {
    const stack = renderFaultStack({
      config,
      image: 'app:run',
      command: ['node', 'dist/server.js'],
      appPort: 80,
      storage: 'file',
      webPorts: [8001],
      readOnly: true,
      contractEnv: { SECRET_KEY: 'k' },
    });
    expect(Object.keys(stack.services).sort()).toEqual(['database_default', 'web']);
    const web = stack.services.web ?? {};
    expect(web).toMatchObject({
      image: 'app:run',
      read_only: true,
      tmpfs: ['/tmp'],
      volumes: ['/data'],
      ports: ['127.0.0.1:8001:80'],
      command: ['node', 'dist/server.js'],
    });
    expect(web.environment).toMatchObject({ STAGE: 'local', DEBUG: 'False', SECRET_KEY: 'k' });
    // Dependencies are copied without the app file's bind mounts and profiles.
    expect(stack.services.database_default).not.toHaveProperty('volumes');
  });

  it('replicas: web1..web3 on S3 behind the proxy, the emulator published for the 302s', () => {
    const stack = renderFaultStack({
      config,
      image: 'app:run',
      command: undefined,
      appPort: 80,
      storage: 's3',
      webPorts: [8001, 8002, 8003],
      emulatorPort: 9000,
      proxy: { image: 'nginx:1.28', port: 8080, configFile: '/w/nginx.conf' },
      readOnly: false,
      contractEnv: {},
    });
    expect(Object.keys(stack.services).sort()).toEqual([
      'database_default',
      'proxy',
      's3',
      'web1',
      'web2',
      'web3',
    ]);
    expect(stack.services.s3).toMatchObject({ ports: ['127.0.0.1:9000:4568'] });
    expect(stack.services.s3).not.toHaveProperty('profiles');
    expect(stack.services.proxy).toMatchObject({
      depends_on: ['web1', 'web2', 'web3'],
      volumes: ['/w/nginx.conf:/etc/nginx/conf.d/default.conf:ro'],
    });
    const env = stack.services.web2?.environment as Record<string, string>;
    expect(env.DEFAULT_STORAGE_DSN).toContain('url=http%3A%2F%2F127.0.0.1%3A9000%2Fmedia%2F');
    expect(env.DATABASE_URL).toBe('postgres://postgres@database_default:5432/db');
    expect(stack.services.web2).not.toHaveProperty('read_only');
  });

  it('says which service is missing', () => {
    expect(() =>
      renderFaultStack({
        config: { services: { web: {} } },
        image: 'x',
        command: undefined,
        appPort: 80,
        storage: 'file',
        webPorts: [1],
        readOnly: true,
        contractEnv: {},
      }),
    ).toThrow(/no "database_default" service/);
  });
});

describe('renderNginxConfig', () => {
  it('balances over every replica and forwards the platform headers', () => {
    const conf = renderNginxConfig(replicaNames(3), 80);
    for (const name of ['web1', 'web2', 'web3']) expect(conf).toContain(`server ${name}:80`);
    expect(conf).toContain('proxy_set_header X-Forwarded-Proto https;');
    expect(conf).toContain('proxy_next_upstream error timeout;');
    expect(replicaNames(1)).toEqual(['web']);
  });
});

describe('renderFaultTable', () => {
  it('prints one row per app and scenario, with the error for failures', () => {
    const table = renderFaultTable([
      {
        app: 'express',
        scenario: 'secrets',
        ok: true,
        seconds: 3.2,
        detail: '5 secrets: 0 found',
        logFile: '',
      },
      {
        app: 'koa',
        scenario: 'replicas',
        ok: false,
        seconds: 40,
        detail: '',
        error: 'lost 2\nmore',
        logFile: '',
      },
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^express\s+secrets\s+ok\s+3s\s+5 secrets: 0 found$/);
    expect(lines[2]).toMatch(/^koa\s+replicas\s+FAILED\s+40s\s+lost 2$/);
  });
});
