// Running external commands (docker, docker compose, the contract CLI) without a shell:
// arguments stay intact, output is captured (and optionally appended to a log), and an
// AbortSignal stops the child, which is how Ctrl-C reaches a running step.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the child after this many milliseconds (SIGTERM, then SIGKILL 5 s later). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Append the command line and everything it prints to this file. */
  logFile?: string;
  /** Also pass output through to this process's stdout/stderr (for interactive use). */
  inherit?: boolean;
  /**
   * Append the child's stdout, and nothing else, to this file as it arrives (e.g. a
   * container's log lines, for a reader that needs them while the command still runs).
   */
  stdoutFile?: string;
}

export interface ExecResult {
  command: string;
  args: readonly string[];
  code: number;
  /** The signal that ended the child, if any. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

/** How a command line is shown in logs and errors (arguments quoted when needed). */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args]
    .map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part)))
    .join(' ');
}

export type Exec = (
  command: string,
  args: readonly string[],
  options?: ExecOptions,
) => Promise<ExecResult>;

/** Runs a command to completion. Never rejects for a non-zero exit: check `code`. */
export const exec: Exec = (command, args, options = {}) =>
  new Promise<ExecResult>((resolve) => {
    const started = Date.now();
    const { logFile } = options;
    if (logFile) appendFileSync(logFile, `\n$ ${formatCommand(command, args)}\n`);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, 5_000).unref();
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (logFile) appendFileSync(logFile, chunk);
      if (options.stdoutFile) appendFileSync(options.stdoutFile, chunk);
      if (options.inherit) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (logFile) appendFileSync(logFile, chunk);
      if (options.inherit) process.stderr.write(chunk);
    });
    const finish = (code: number, signal: NodeJS.Signals | null, extra = '') => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (extra) {
        stderr += extra;
        if (logFile) appendFileSync(logFile, extra);
      }
      resolve({
        command,
        args,
        code,
        signal,
        stdout,
        stderr,
        timedOut,
        aborted,
        durationMs: Date.now() - started,
      });
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      // ENOENT: the program is not installed. 127 is what a shell would answer.
      finish(error.code === 'ENOENT' ? 127 : 1, null, `${command}: ${error.message}\n`);
    });
    child.on('close', (code, signal) => finish(code ?? 1, signal));
  });

/** The last `lines` lines of a text, for error messages. */
export function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/** Turns a failed result into an Error whose message says what ran and how it ended. */
export function commandError(step: string, result: ExecResult): Error {
  const how = result.timedOut
    ? 'timed out'
    : result.aborted
      ? 'was interrupted'
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited with code ${result.code}`;
  const output = tail(`${result.stdout}\n${result.stderr}`.trim(), 15);
  return new Error(
    `${step}: \`${formatCommand(result.command, result.args)}\` ${how}${output ? `\n${output}` : ''}`,
  );
}
