// Upload benchmark: streams one large multipart upload into an app's built server and prints
// the throughput and the server's peak memory. The point it demonstrates: memory stays flat
// whatever the upload size, because nothing buffers the body.
//
// Runs `node dist/server.js` in the app's directory (STAGE=local, SQLite and files in a temp
// directory). Peak RSS is read from /proc (VmHWM), so that figure is Linux only.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface UploadBenchOptions {
  /** The app's directory, holding the built `dist/server.js`. */
  appDir: string;
  /** The framework name, for the scratch directory's name. */
  framework: string;
  /** Upload size in MiB (default 256). */
  mib?: number;
}

/** Runs the benchmark once and prints two lines; throws if the server fails or the upload does. */
export async function runUploadBench(options: UploadBenchOptions): Promise<void> {
  const mib = options.mib ?? 256;
  if (!Number.isFinite(mib) || mib <= 0)
    throw new Error(`mib: expected a positive number, got ${mib}`);
  const size = mib * 1024 * 1024;
  const scratch = mkdtempSync(join(tmpdir(), `${options.framework}-bench-`));

  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: options.appDir,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH,
      STAGE: 'local',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SECURE_SSL_REDIRECT: 'False',
      MAX_UPLOAD_BYTES: String(size + 1),
      DATABASE_URL: `sqlite:///${join(scratch, 'db.sqlite3')}`,
      DEFAULT_STORAGE_DSN: `file://${join(scratch, 'media')}/?url=%2Fmedia%2F`,
    },
  });

  function peakRssMiB(): string {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
      return Number.isFinite(kb) ? (kb / 1024).toFixed(1) : 'n/a';
    } catch {
      return 'n/a';
    }
  }

  try {
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.ok) break;
      } catch {}
      if (i > 100) throw new Error('the server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const idle = peakRssMiB();

    const boundary = 'bench-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const started = process.hrtime.bigint();
    const result = await new Promise<{ status: number | undefined; body: string }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/media',
            method: 'POST',
            headers: {
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'content-length': head.length + size + tail.length,
            },
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => {
              body += c.toString('utf8');
            });
            res.on('end', () => resolve({ status: res.statusCode, body }));
          },
        );
        req.on('error', reject);
        req.write(head);
        let sent = 0;
        const pump = () => {
          while (sent < size) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end(tail);
        };
        pump();
      },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 201) throw new Error(`upload failed: ${result.status} ${result.body}`);
    console.log(
      `upload of ${mib} MiB: ${seconds.toFixed(2)} s, ${(mib / seconds).toFixed(0)} MiB/s`,
    );
    console.log(`server peak RSS: ${idle} MiB after start, ${peakRssMiB()} MiB after the upload`);
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}
