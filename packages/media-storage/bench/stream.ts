// Streaming benchmark (not a test): upload and download a generated 200 MB stream through
// each backend and report throughput and the peak RSS increase of this process.
// The emulators run in child processes, so their memory is not counted.
//
//   npm run bench -w ... / pnpm bench   (node --expose-gc --import tsx bench/stream.ts)
//   npx tsx bench/stream.ts [--size-mb 200] [--backend file,s3,azure]
//
// Each backend is measured in a fresh child process (same Node flags), so one backend's
// leftovers never count against the next. Run with --expose-gc for a settled baseline.
// Target: the peak RSS grows by less than 64 MB per backend, i.e. bodies stream, never buffer.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Secret } from '@divio-samples/divio-env';
import { startAzurite, startS3rver, tempDir } from '@divio-samples/test-support';
import { createStorage, type MediaStorage } from '../src/index.js';
import { generatedStream, MiB, sha256Of } from '../test/support/streams.js';

const TARGET_MB = 64;

const { values } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '200' },
    backend: { type: 'string', default: 'file,s3,azure' },
    child: { type: 'boolean', default: false },
  },
});
const size = Number(values['size-mb']) * MiB;
const backends = String(values.backend).split(',');

interface Row {
  backend: string;
  uploadMBs: number;
  downloadMBs: number;
  peakRssMB: number;
  ok: boolean;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Samples RSS every 20 ms until stopped; returns the peak. */
function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

async function measure(backend: string, storage: MediaStorage): Promise<Row> {
  await storage.check();
  // Warm up the client (sockets, lazy modules) so they do not count as body memory.
  await storage.put('bench/warmup', Buffer.from('warm'), { contentType: 'text/plain' });
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const baseline = process.memoryUsage.rss();
  const sampler = rssSampler();

  const source = generatedStream(size, `bench-${backend}`);
  let started = performance.now();
  await storage.put('bench/big.bin', source.stream, { contentType: 'application/octet-stream' });
  const uploadSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const object = await storage.get('bench/big.bin');
  const read = await sha256Of(object.body);
  const downloadSeconds = (performance.now() - started) / 1000;

  const peak = sampler.stop();
  await storage.delete('bench/big.bin');
  await storage.delete('bench/warmup');
  return {
    backend,
    uploadMBs: size / MiB / uploadSeconds,
    downloadMBs: size / MiB / downloadSeconds,
    peakRssMB: (peak - baseline) / MiB,
    ok: read.bytes === size && read.hex === (await source.digest),
  };
}

async function run(backend: string): Promise<Row> {
  switch (backend) {
    case 'file': {
      const dir = await tempDir('bench-file');
      try {
        return await measure(
          'file',
          await createStorage({
            backend: 'file',
            root: dir.path,
            publicBaseUrl: '/media/',
            fallback: false,
          }),
        );
      } finally {
        await dir.remove();
      }
    }
    case 's3': {
      const s3 = await startS3rver({ buckets: ['media'] });
      const storage = await createStorage({
        backend: 's3',
        bucket: 'media',
        region: s3.region,
        endpoint: s3.endpoint,
        forcePathStyle: true,
        prefix: '',
        publicBaseUrl: `${s3.endpoint}/media/`,
        signedUrls: false,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: new Secret(s3.secretAccessKey),
      });
      try {
        return await measure('s3 (s3rver)', storage);
      } finally {
        await storage.close();
        await s3.stop();
      }
    }
    case 'azure': {
      const az = await startAzurite({ containers: ['media'] });
      const storage = await createStorage({
        backend: 'azure',
        account: az.account,
        container: 'media',
        credential: { kind: 'key', accountKey: new Secret(az.accountKey) },
        endpoint: az.endpoint,
        publicBaseUrl: `${az.endpoint}/media/`,
        signedUrls: false,
      });
      try {
        return await measure('azure (Azurite)', storage);
      } finally {
        await storage.close();
        await az.stop();
      }
    }
    default:
      throw new Error(`unknown backend ${backend} (expected file, s3 or azure)`);
  }
}

if (values.child) {
  // One backend, one JSON line on stdout for the parent.
  const row = await run(backends[0] ?? 'file');
  process.stdout.write(`\n${JSON.stringify(row)}\n`);
  process.exit(0);
}

const rows: Row[] = [];
for (const backend of backends) {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--child',
      '--backend',
      backend,
      '--size-mb',
      String(values['size-mb']),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * MiB },
  );
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    console.error(`${backend}: benchmark failed (exit ${child.status})\n${child.stdout}`);
    process.exitCode = 1;
    continue;
  }
  rows.push(JSON.parse(line) as Row);
}

const fmt = (n: number) => n.toFixed(1).padStart(8);
console.log(
  `\n${values['size-mb']} MB generated stream, Node ${process.version}, gc ${'gc' in globalThis ? 'exposed' : 'not exposed'}\n`,
);
console.log('backend            upload MB/s  download MB/s  peak RSS +MB  sha256  < 64 MB');
for (const row of rows) {
  console.log(
    `${row.backend.padEnd(18)} ${fmt(row.uploadMBs)}     ${fmt(row.downloadMBs)}       ${fmt(row.peakRssMB)}    ${row.ok ? 'ok  ' : 'FAIL'}    ${row.peakRssMB < TARGET_MB ? 'yes' : 'NO'}`,
  );
}
if (rows.some((row) => !row.ok || row.peakRssMB >= TARGET_MB)) process.exitCode = 1;
