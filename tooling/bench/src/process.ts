// The servers under test as child processes: each app's built server and the suite's own
// bare servers, so that each one's memory is its own and a crash cannot take the suite down.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { freePort } from '@divio-samples/test-support';

export interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the first 200 from the ready path. */
  readyMs: number;
  /** Current resident memory and its high-water mark, in MB (10^6 bytes), from /proc. */
  rssMB(): number | undefined;
  peakRssMB(): number | undefined;
  output(): string;
  stop(): Promise<void>;
}

export interface ServerSpec {
  name: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  /** Path answered with 200 once the server takes traffic (default /readyz). */
  readyPath?: string;
  timeoutMs?: number;
}

/** A `VmRSS:` / `VmHWM:` field of /proc/<pid>/status in MB; undefined off Linux. */
export function procMemoryMB(
  pid: number | undefined,
  field: 'VmRSS' | 'VmHWM',
): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]);
    return Number.isFinite(kib) ? (kib * 1024) / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Spawns `node ...args` on a free port and polls the ready path every 5 ms: the start time
 * counts from the spawn (Node's own start included, as on the platform) to the first 200.
 */
export async function startServer(spec: ServerSpec): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, spec.args, {
    cwd: spec.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...spec.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Only the tail is kept: it is for the error message when the server does not start.
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = once(child, 'exit');
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = started + (spec.timeoutMs ?? 60_000);
  let readyMs: number | undefined;
  while (performance.now() < deadline && !gone) {
    try {
      const res = await fetch(`${url}${spec.readyPath ?? '/readyz'}`, {
        signal: AbortSignal.timeout(2000),
      });
      await res.arrayBuffer();
      if (res.status === 200) {
        readyMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  };
  if (readyMs === undefined) {
    await stop();
    throw new Error(
      `${spec.name} did not answer 200 on ${spec.readyPath ?? '/readyz'}${gone ? ' (it exited)' : ''}: ${stderr.trim().slice(-600)}`,
    );
  }
  return {
    name: spec.name,
    url,
    child,
    readyMs,
    rssMB: () => procMemoryMB(child.pid, 'VmRSS'),
    peakRssMB: () => procMemoryMB(child.pid, 'VmHWM'),
    output: () => stderr,
    stop,
  };
}
