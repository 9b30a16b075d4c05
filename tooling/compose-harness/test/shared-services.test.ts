import { describe, expect, it } from 'vitest';
import { defaultJobs, MEMORY_PER_JOB, MEMORY_RESERVE } from '../src/parallelism.js';
import {
  cellBucketName,
  cellDatabaseName,
  databaseExecArgs,
  databaseStatements,
  renderSharedStack,
  sharedNeeds,
} from '../src/shared-services.js';

const config = {
  services: {
    web: { build: '.' },
    database_default: {
      image: 'local/postgres:15',
      environment: { SERVICE_MANAGER: 'fsm-postgres', POSTGRES_DB: 'db' },
      healthcheck: { test: ['CMD', 'pg_isready'] },
      volumes: ['.:/app:rw'],
    },
    s3: { image: 'local/s3rver:3', build: { context: 'x' }, profiles: ['s3'] },
    azurite: { image: 'local/azurite:3', command: ['azurite-blob'], profiles: ['azure'] },
  },
};

describe('shared services', () => {
  it('starts only the servers the cells use', () => {
    expect(
      sharedNeeds([
        { database: 'mysql', storage: 'file' },
        { database: 'mysql', storage: 'azure' },
      ]),
    ).toEqual({ databases: ['mysql'], emulators: ['azure'] });
    expect(
      sharedNeeds([
        { database: 'postgres', storage: 's3' },
        { database: 'mysql', storage: 'azure' },
      ]),
    ).toEqual({ databases: ['postgres', 'mysql'], emulators: ['s3', 'azure'] });
  });

  it('names a database, bucket and container per cell', () => {
    expect(cellDatabaseName('express-postgres-file')).toBe('cell_express_postgres_file');
    expect(cellBucketName('express-postgres-s3')).toBe('cell-express-postgres-s3');
    expect(cellBucketName('Next.JS--mysql_azure')).toBe('cell-next-js-mysql-azure');
    const long = cellBucketName(`${'a'.repeat(80)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(cellDatabaseName('a'.repeat(80)).length).toBeLessThanOrEqual(63);
  });

  it("renders the stack from the app's own service definitions, emulators published on loopback", () => {
    const stack = renderSharedStack({
      config,
      needs: { databases: ['postgres', 'mysql'], emulators: ['s3', 'azure'] },
      mariadbImage: 'local/mariadb:10.11',
      network: 'ch-1-shared-net',
      emulatorPorts: { s3: 41001, azure: 41002 },
    });
    expect(Object.keys(stack.services)).toEqual([
      'shared-postgres',
      'shared-mariadb',
      'shared-s3',
      'shared-azurite',
    ]);
    // The app's database service as it is defined, without its bind mount.
    expect(stack.services['shared-postgres']).toEqual({
      image: 'local/postgres:15',
      environment: { SERVICE_MANAGER: 'fsm-postgres', POSTGRES_DB: 'db' },
      healthcheck: { test: ['CMD', 'pg_isready'] },
    });
    expect(stack.services['shared-mariadb']).toMatchObject({
      image: 'local/mariadb:10.11',
      command: ['mariadbd'],
    });
    expect(stack.services['shared-s3']).toEqual({
      image: 'local/s3rver:3',
      ports: ['127.0.0.1:41001:4568'],
    });
    expect(stack.services['shared-azurite']?.ports).toEqual(['127.0.0.1:41002:10000']);
    expect(stack.networks).toEqual({ default: { name: 'ch-1-shared-net' } });
  });

  it('creates and drops a database per engine, through docker exec', () => {
    expect(databaseStatements('postgres', 'cell_a')).toEqual({
      create: 'CREATE DATABASE "cell_a"',
      drop: 'DROP DATABASE IF EXISTS "cell_a" WITH (FORCE)',
    });
    expect(databaseStatements('mysql', 'cell_a').create).toBe('CREATE DATABASE `cell_a`');
    expect(() => databaseStatements('mysql', 'a`; DROP')).toThrow(/unsafe database name/);
    expect(databaseExecArgs('postgres', 'c1', 'SELECT 1', config)).toEqual([
      'exec',
      'c1',
      'psql',
      '--username',
      'postgres',
      '--dbname',
      'postgres',
      '--no-psqlrc',
      '-v',
      'ON_ERROR_STOP=1',
      '--command',
      'SELECT 1',
    ]);
    expect(databaseExecArgs('mysql', 'c2', 'SELECT 1')).toEqual([
      'exec',
      'c2',
      'mariadb',
      '--user=root',
      '--execute',
      'SELECT 1',
    ]);
  });
});

describe('defaultJobs', () => {
  const free = (jobs: number) => MEMORY_RESERVE + jobs * MEMORY_PER_JOB;
  it('runs one cell per CPU when memory allows', () => {
    expect(defaultJobs({ cpus: 2, freeBytes: free(10) })).toBe(2);
    expect(defaultJobs({ cpus: 8, freeBytes: free(10) })).toBe(8);
  });
  it('runs fewer when free memory is short, never fewer than one', () => {
    expect(defaultJobs({ cpus: 8, freeBytes: free(3) })).toBe(3);
    expect(defaultJobs({ cpus: 4, freeBytes: 0 })).toBe(1);
  });
});
