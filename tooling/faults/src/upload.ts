// Uploads as a client sends them, paced by the test: a multipart body generated chunk by
// chunk (contract-tests' `streamedMultipart`), written over node:http with backpressure,
// with a hook after each chunk (to inject a fault mid-upload) and an optional pause between
// chunks (a slow upload).
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { streamedMultipart } from '@divio-samples/contract-tests';

export interface UploadOutcome {
  /** 0 when no response arrived (the connection was closed or reset). */
  status: number;
  body: string;
  ms: number;
}

export interface UploadOptions {
  filename: string;
  size: number;
  /** Called with the bytes written so far, after each chunk. */
  onProgress?: (sent: number) => void;
  /** Pause after each chunk (ms). */
  pauseMs?: number;
  /** Give up waiting for the answer after this long (default 30 s). */
  timeoutMs?: number;
}

export function streamUpload(baseUrl: string, options: UploadOptions): Promise<UploadOutcome> {
  const started = Date.now();
  const body = streamedMultipart(options.filename, options.size);
  const url = new URL('/api/media', baseUrl);
  return new Promise<UploadOutcome>((resolve) => {
    let settled = false;
    const done = (status: number, text: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, body: text, ms: Date.now() - started });
    };
    const timer = setTimeout(() => {
      req.destroy();
      done(0, 'no answer in time');
    }, options.timeoutMs ?? 30_000);
    const req = request(url, {
      method: 'POST',
      headers: {
        'Content-Type': body.contentType,
        'Content-Length': String(body.length),
        'X-Forwarded-Proto': 'https',
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
      res.on('error', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', () => done(0, 'connection failed'));
    void (async () => {
      let sent = 0;
      try {
        for await (const chunk of body.body()) {
          if (settled || req.destroyed) return;
          if (!req.write(chunk)) {
            // Whichever comes first; the other listener is removed so none pile up.
            await new Promise<void>((r) => {
              const go = () => {
                req.off('drain', go);
                req.off('close', go);
                r();
              };
              req.once('drain', go);
              req.once('close', go);
            });
          }
          if (settled) return; // answered while this chunk was waiting: stop here
          sent += chunk.length;
          options.onProgress?.(sent);
          if (options.pauseMs) await sleep(options.pauseMs);
        }
        req.end();
      } catch {
        req.destroy();
      }
    })();
  });
}

/** Every media item's filename, following cursors (bounded). */
export async function listFilenames(baseUrl: string): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page += 1) {
    const query = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
    const res = await fetch(`${baseUrl}/api/media${query}`, {
      headers: { 'X-Forwarded-Proto': 'https' },
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 200) throw new Error(`GET /api/media answered ${res.status}`);
    const json = (await res.json()) as {
      items: { filename: string }[];
      nextCursor: string | null;
    };
    names.push(...json.items.map((i) => i.filename));
    cursor = json.nextCursor;
    if (!cursor) break;
  }
  return names;
}
