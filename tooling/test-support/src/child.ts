// Starting an emulator in a child process and waiting until it says where it listens.
import { type ChildProcess, spawn } from 'node:child_process';

export interface StartedChild {
  child: ChildProcess;
  /** The first stdout line that matched. */
  match: RegExpExecArray;
  /** Everything the child wrote so far (for error messages). */
  output(): string;
}

/**
 * Spawns `node script ...args`, resolves with the first stdout line matching `ready`.
 * Rejects (and kills the child) when it exits first or `timeoutMs` passes.
 * The child's stdin stays open: the runners exit when it closes, i.e. when we die.
 */
export function spawnNode(
  script: string,
  args: readonly string[],
  ready: RegExp,
  { timeoutMs = 30_000, name = script }: { timeoutMs?: number; name?: string } = {},
): Promise<StartedChild> {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let log = '';
  const output = () => log.slice(-4000);
  return new Promise((resolve, reject) => {
    let settled = false;
    let buffer = '';
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name}: ${message}\n--- output ---\n${output()}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      log += chunk;
      if (settled) return;
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const match = ready.exec(line);
        if (match) {
          settled = true;
          clearTimeout(timer);
          resolve({ child, match, output });
          return;
        }
        newline = buffer.indexOf('\n');
      }
    });
    child.stderr?.on('data', (chunk: string) => {
      log += chunk;
    });
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}
