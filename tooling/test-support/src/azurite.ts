// Azure Blob emulator (Azurite) in a child process on 127.0.0.1, one per call.
import { fileURLToPath } from 'node:url';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { spawnNode, stopChild } from './child.js';
import type { StorageDsnOptions } from './s3.js';
import { tempDir } from './tmp.js';

/** Azurite's fixed development account and its well-known (public) key. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export type PublicAccess = 'blob' | 'container' | 'none';

export interface AzuriteOptions {
  /** Containers to create once the emulator answers (default: `['media']`). */
  containers?: readonly string[];
  /** Anonymous read access for those containers (default `blob`, like Divio's public media). */
  publicAccess?: PublicAccess;
  startTimeoutMs?: number;
}

export interface AzuriteHandle {
  /** Blob service URL, path-style: `http://127.0.0.1:PORT/devstoreaccount1`. */
  endpoint: string;
  port: number;
  account: string;
  accountKey: string;
  containers: string[];
  directory: string;
  /** A client with the account key, for test setup and assertions. */
  serviceClient(): BlobServiceClient;
  createContainer(name: string, publicAccess?: PublicAccess): Promise<void>;
  /** A `DEFAULT_STORAGE_DSN` (`az://...`) pointing at this emulator. */
  dsn(container?: string, options?: Omit<StorageDsnOptions, 'prefix'>): string;
  /** Stops the emulator and deletes its data. Safe to call twice. */
  stop(): Promise<void>;
}

const runner = fileURLToPath(new URL('../runners/azurite-blob.cjs', import.meta.url));

/**
 * Starts Azurite's blob service on 127.0.0.1 with an OS-assigned port and a temp workspace.
 * `--skipApiVersionCheck` lets newer SDKs talk to it; `--loose` ignores headers it does
 * not implement; telemetry is off (the machine has no route to it anyway).
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteHandle> {
  const containers = [...(options.containers ?? ['media'])];
  const publicAccess = options.publicAccess ?? 'blob';
  const dir = await tempDir('azurite');
  let started: Awaited<ReturnType<typeof spawnNode>>;
  try {
    started = await spawnNode(
      runner,
      [
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        '0',
        '--location',
        dir.path,
        '--skipApiVersionCheck',
        '--loose',
        '--disableTelemetry',
        '--disableProductStyleUrl',
        '--silent',
      ],
      /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/,
      { name: 'azurite', timeoutMs: options.startTimeoutMs ?? 30_000 },
    );
  } catch (error) {
    await dir.remove();
    throw error;
  }
  // Keep draining stdout so a chatty emulator never blocks on a full pipe.
  started.child.stdout?.resume();
  const port = Number(started.match[1]);
  const endpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_ACCOUNT_KEY);
  const client = new BlobServiceClient(endpoint, credential);
  let stopped = false;
  const handle: AzuriteHandle = {
    endpoint,
    port,
    account: AZURITE_ACCOUNT,
    accountKey: AZURITE_ACCOUNT_KEY,
    containers: [],
    directory: dir.path,
    serviceClient: () => client,
    async createContainer(name, access = publicAccess) {
      const container = client.getContainerClient(name);
      await container.createIfNotExists(access === 'none' ? {} : { access });
      if (!handle.containers.includes(name)) handle.containers.push(name);
    },
    dsn(container = handle.containers[0] ?? 'media', dsnOptions = {}) {
      const query = new URLSearchParams({ endpoint });
      const publicBase = dsnOptions.publicBaseUrl ?? `${endpoint}/${container}/`;
      if (publicBase !== false) query.set('url', publicBase);
      if (dsnOptions.signedUrls) query.set('qs_auth', '1');
      const key = encodeURIComponent(AZURITE_ACCOUNT_KEY);
      return `az://${AZURITE_ACCOUNT}:${key}@blob.core.windows.net/${container}?${query}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild(started.child);
      await dir.remove();
    },
  };
  try {
    for (const name of containers) await handle.createContainer(name);
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}
