// Property-based tests: any input gives a config or a DivioEnvError (never another
// exception), and no credential ever shows in an error, a config's JSON, or CLI output.
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { DivioEnvError, parseEnvFile, readDivioEnv, toPublicJson } from '../src/index.js';

const RUNS = Number(process.env.DIVIO_ENV_FC_RUNS ?? 300);
const quiet = { onWarning: () => {}, cwd: '/srv/app' };

const VARIABLES = [
  'PORT',
  'STAGE',
  'DEBUG',
  'GIT_BRANCH',
  'GIT_COMMIT',
  'SITE_NAME',
  'DATABASE_URL',
  'DEFAULT_DATABASE_DSN',
  'DEFAULT_STORAGE_DSN',
  'DEFAULT_STORAGE_BUCKET',
  'DEFAULT_STORAGE_ACCESS_KEY_ID',
  'DEFAULT_STORAGE_SECRET_ACCESS_KEY',
  'DEFAULT_STORAGE_CUSTOM_DOMAIN',
  'DEFAULT_STORAGE_REGION',
  'DEFAULT_STORAGE_ENDPOINT',
  'SECRET_KEY',
  'DOMAIN',
  'DOMAIN_ALIASES',
  'DOMAIN_REDIRECTS',
  'SECURE_SSL_REDIRECT',
  'TRUST_PROXY',
] as const;

const SCHEMES = [
  'postgres',
  'postgresql',
  'pgsql',
  'postgis',
  'mysql',
  'mysql2',
  'mariadb',
  'sqlite',
  's3',
  'az',
  'azure',
  'file',
  'redis',
  'S3',
  'http',
];
const QUERY_KEYS = [
  'sslmode',
  'sslrootcert',
  'ssl-mode',
  'ssl-ca',
  'auth',
  'domain',
  'url',
  'acl',
  'qs_auth',
  'region_name',
  'addressing_style',
  'endpoint',
  'password',
];
const URL_CHARS = [..."abcXYZ019.-_~:/?#@[]%!$&'()*+,;= ", '%2F', '%40', '%3A', '%ZZ', '%'];

/** Strings that look like the URLs the parsers expect, with every delimiter in odd places. */
const urlish = fc
  .tuple(
    fc.constantFrom(...SCHEMES),
    fc.constantFrom('://', ':', ':///', '://[', ''),
    fc.array(fc.constantFrom(...URL_CHARS), { maxLength: 12 }).map((a) => a.join('')),
    fc.option(fc.constantFrom('@', ':x@', ':%2B@'), { nil: '' }),
    fc
      .array(
        fc.constantFrom(
          ...URL_CHARS,
          'b.s3.amazonaws.com',
          'x.sos-ch-dk-2.exo.io',
          '[::1]',
          ':5432',
          ':99999',
          '127.0.0.1',
        ),
        { maxLength: 6 },
      )
      .map((a) => a.join('')),
    fc
      .array(fc.constantFrom(...URL_CHARS, '/db', '/media/'), { maxLength: 4 })
      .map((a) => a.join('')),
    fc.array(
      fc.tuple(
        fc.constantFrom(...QUERY_KEYS),
        fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.constantFrom(
            'require',
            'verify-ca',
            'REQUIRED',
            'path',
            'http%3A%2F%2F127.0.0.1%3A1',
            'yes',
            'x',
            '',
            '%2Fnonexistent',
          ),
        ),
      ),
      { maxLength: 4 },
    ),
  )
  .map(([scheme, sep, userinfo, at, host, path, query]) => {
    const q = query.map(([k, v]) => `${k}=${v}`).join('&');
    return `${scheme}${sep}${userinfo}${at}${host}${path}${q ? `?${q}` : ''}`;
  });

const anyValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  urlish,
  fc.constantFrom(
    '',
    ' ',
    'True',
    'False',
    'yes',
    '0',
    '80',
    '65536',
    'live',
    'test',
    '.*',
    '*',
    '(',
    '[::1]',
  ),
);

function check(env: Record<string, string>): void {
  try {
    const config = readDivioEnv(env, quiet);
    // Everything reachable on a config must work too.
    JSON.stringify(config);
    inspect(config, { depth: 10 });
    JSON.stringify(toPublicJson(config));
    try {
      config.database.knexConfig();
    } catch (error) {
      if (!(error instanceof DivioEnvError)) throw error;
    }
    config.security.isAllowedHost(env.DOMAIN);
  } catch (error) {
    if (error instanceof DivioEnvError) {
      expect(error.problems.length).toBeGreaterThan(0);
      return;
    }
    throw error;
  }
}

describe('any string for any variable', () => {
  it('one variable at a time: a config or a DivioEnvError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VARIABLES),
        anyValue,
        fc.constantFrom('local', 'test', 'live'),
        (name, value, stage) => {
          check({ STAGE: stage, [name]: value });
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it('all variables at once', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...VARIABLES), anyValue), (env) => check(env)),
      { numRuns: RUNS },
    );
  });

  it('isAllowedHost never throws, for any pattern and any host', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        (aliases, domain, host) => {
          try {
            const env = readDivioEnv({ DOMAIN_ALIASES: aliases, DOMAIN: domain }, quiet);
            expect(typeof env.security.isAllowedHost(host)).toBe('boolean');
          } catch (error) {
            if (!(error instanceof DivioEnvError)) throw error;
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('parseEnvFile: a record or a DivioEnvError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        try {
          parseEnvFile(text);
        } catch (error) {
          if (!(error instanceof DivioEnvError)) throw error;
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- credentials never leak ----

/** Passwords: long enough to be unmistakable, with URL delimiters that break naive parsers. */
const password = fc
  .array(fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789+/=:@?#%&!* '), {
    minLength: 8,
    maxLength: 24,
  })
  .map((a) => a.join(''))
  .filter((p) => /[A-Z]/.test(p) && p.trim() === p);

/** Pieces of a raw password between URL delimiters: none of them may show either. */
function pieces(secret: string): string[] {
  return secret.split(/[/?#@:%&=+! *]/).filter((piece) => piece.length >= 6);
}

function renderError(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error), (error as Error).stack ?? ''].join(
    '\n',
  );
}

function assertHidden(text: string, secret: string): void {
  for (const needle of new Set([secret, encodeURIComponent(secret), ...pieces(secret)])) {
    expect(text.includes(needle), `"${needle}" leaked in:\n${text}`).toBe(false);
  }
}

async function cliOutput(env: Record<string, string>): Promise<string> {
  let text = '';
  await main(['check', '--json'], {
    env,
    cwd: '/srv/app',
    stdout: (t) => {
      text += t;
    },
    stderr: (t) => {
      text += t;
    },
  });
  return text;
}

const dsnWithSecret = fc
  .tuple(
    fc.constantFrom('DATABASE_URL', 'DEFAULT_DATABASE_DSN', 'DEFAULT_STORAGE_DSN'),
    fc.constantFrom('postgres', 'mysql', 'mariadb', 's3', 'az', 'sqlite', 'file', 'redis', 'ftp'),
    fc.constantFrom('user', 'AKIAXY', 'devstoreaccount1', ''),
    password,
    fc.boolean(),
    fc.constantFrom(
      'h',
      'database_default:5432',
      'b.s3.eu-west-1.amazonaws.com',
      'x.sos-ch-dk-2.exo.io',
      '[::1]:5432',
      'h:99999',
      'blob.core.windows.net',
      '%2Frun%2Fpg',
      'bucket',
      '',
    ),
    fc.constantFrom(
      '',
      '/',
      '/db',
      '/media/',
      '/a/b',
      '/?sslmode=require',
      '/?endpoint=http%3A%2F%2F127.0.0.1%3A4568',
      '?qs_auth=maybe',
      '/x?addressing_style=no',
    ),
    // Sometimes the '@host' part is forgotten altogether. The secret then has to start with
    // a letter: `postgres://user:/x` or `postgres://user:5432/x` are valid URLs (host, port,
    // database) that no parser could recognise as holding a password; and an unencoded '@'
    // in it would make the rest a host name (`postgres://user:A@BCDEFGH`).
    fc.boolean(),
  )
  .filter(
    ([, , , secret, encode, , , noHost]) =>
      !noHost || (/^[A-Z]/.test(secret) && (encode || !secret.includes('@'))),
  )
  .map(([variable, scheme, user, secret, encode, host, rest, noHost]) => ({
    variable,
    secret,
    value: `${scheme}://${user}:${encode ? encodeURIComponent(secret) : secret}${noHost ? '' : `@${host}`}${rest}`,
  }));

describe('no credential ever shows', () => {
  it('DSN passwords: not in errors, config JSON, public JSON or inspect', () => {
    fc.assert(
      fc.property(
        dsnWithSecret,
        fc.constantFrom('local', 'live'),
        ({ variable, secret, value }, stage) => {
          const env = { STAGE: stage, SECRET_KEY: 'k', [variable]: value };
          try {
            const config = readDivioEnv(env, quiet);
            assertHidden(JSON.stringify(config), secret);
            assertHidden(inspect(config, { depth: 10 }), secret);
            assertHidden(JSON.stringify(toPublicJson(config)), secret);
          } catch (error) {
            if (!(error instanceof DivioEnvError)) throw error;
            assertHidden(renderError(error), secret);
          }
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it('DSN passwords: not in the CLI output', async () => {
    await fc.assert(
      fc.asyncProperty(dsnWithSecret, async ({ variable, secret, value }) => {
        assertHidden(await cliOutput({ STAGE: 'live', [variable]: value }), secret);
      }),
      { numRuns: RUNS },
    );
  });

  it('SECRET_KEY and the split storage secret: never shown, whatever else is wrong', async () => {
    await fc.assert(
      fc.asyncProperty(
        password,
        password,
        fc.dictionary(fc.constantFrom(...VARIABLES), anyValue, { maxKeys: 4 }),
        async (key, storageSecret, noise) => {
          const env = {
            ...noise,
            SECRET_KEY: key,
            DEFAULT_STORAGE_BUCKET: 'bucket',
            DEFAULT_STORAGE_SECRET_ACCESS_KEY: storageSecret,
          };
          // The noise must not contain the secrets itself.
          fc.pre(!Object.values(noise).some((v) => v.includes(key) || v.includes(storageSecret)));
          for (const secret of [key, storageSecret]) {
            try {
              const config = readDivioEnv(env, quiet);
              assertHidden(JSON.stringify(config), secret);
              assertHidden(inspect(config, { depth: 10 }), secret);
            } catch (error) {
              if (!(error instanceof DivioEnvError)) throw error;
              assertHidden(renderError(error), secret);
            }
            assertHidden(await cliOutput(env), secret);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
