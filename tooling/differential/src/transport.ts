// Sends one request and turns whatever happens into an Answer: a response, or the way the
// exchange failed (a reset, a close without an answer, no answer in time). node:http for
// ordinary requests (it sends the path as given, does not normalise `..`, and can leave
// out Host); a raw socket for bytes node:http refuses to send.
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { parseResponses } from './raw-response.js';
import type { Answer, Header, RawRequest } from './types.js';

/** Bodies are kept up to this size; the corpus never asks for more. */
const MAX_BODY = 8 * 1024 * 1024;
/** How long a raw socket is watched after its first answer (a second answer, a close). */
const RAW_GRACE_MS = 250;

export interface HttpRequest {
  method: string;
  path: string;
  headers: readonly Header[];
  body?: Buffer;
  timeoutMs: number;
}

function failure(err: NodeJS.ErrnoException): Answer {
  if (err.message === 'TIMEOUT') return { kind: 'failure', outcome: 'TIMEOUT' };
  if (err.code === 'ECONNREFUSED') return { kind: 'failure', outcome: 'REFUSED' };
  // node:http reports a close before any answer as ECONNRESET "socket hang up".
  if (err.message === 'socket hang up') return { kind: 'failure', outcome: 'CLOSED' };
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE')
    return { kind: 'failure', outcome: 'RESET' };
  return { kind: 'failure', outcome: `ERROR ${err.code ?? err.message}` };
}

export function sendHttp(host: string, port: number, req: HttpRequest): Promise<Answer> {
  return new Promise((resolve) => {
    // A fresh keep-alive agent per request: the request says `Connection: keep-alive` (so a
    // server's `Connection: close` is its own decision) and no request shares a socket.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let settled = false;
    const finish = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      agent.destroy();
      resolve(answer);
    };
    const flat = req.headers.flat();
    const outgoing = request({
      host,
      port,
      method: req.method,
      path: req.path,
      headers: flat,
      setHost: false,
      agent,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      outgoing.destroy(new Error('TIMEOUT'));
    }, req.timeoutMs);
    outgoing.on('error', (err: NodeJS.ErrnoException) => finish(failure(err)));
    outgoing.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const headers: Array<[string, string]> = [];
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
        headers.push([(res.rawHeaders[i] ?? '').toLowerCase(), res.rawHeaders[i + 1] ?? '']);
      }
      const done = (bodyEnd: 'complete' | 'aborted' | 'timeout') =>
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          headers,
          body: Buffer.concat(chunks),
          bodyEnd,
        });
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      res.on('end', () => done('complete'));
      const cut = () => done(res.complete ? 'complete' : timedOut ? 'timeout' : 'aborted');
      res.on('error', cut);
      res.on('close', cut);
      // The server may answer before it read the whole body (413, 415): the write side
      // can then fail with EPIPE/ECONNRESET, which is not the answer.
      outgoing.removeAllListeners('error');
      outgoing.on('error', () => {});
    });
    outgoing.end(req.body);
  });
}

/** Writes `raw` to a fresh socket and reads what comes back. */
export function sendRaw(
  host: string,
  port: number,
  raw: RawRequest,
  headRequest: boolean,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const chunks: Buffer[] = [];
    let closed = false;
    let reset = false;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;

    const settle = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      socket.destroy();
      const responses = parseResponses(Buffer.concat(chunks), headRequest, closed);
      const first = responses[0];
      if (!first) {
        const outcome = reset ? 'RESET' : timedOut ? 'TIMEOUT' : 'CLOSED';
        resolve({ kind: 'failure', outcome });
        return;
      }
      const more = responses.slice(1).map((r) => `then ${r.status}`);
      // Closed with a FIN or a RST after the answer is one thing: which one depends on
      // whether unread request bytes were still buffered, i.e. on timing.
      const state = closed ? 'closed' : 'left open';
      resolve({
        kind: 'response',
        status: first.status,
        headers: first.headers,
        body: first.body,
        bodyEnd: first.complete ? 'complete' : timedOut ? 'timeout' : 'aborted',
        after: [...more, state].join(', '),
      });
    };
    const timer = setTimeout(() => settle(true), timeoutMs);

    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const first = parseResponses(Buffer.concat(chunks), headRequest, false)[0];
      if (first?.complete && !grace) grace = setTimeout(() => settle(false), RAW_GRACE_MS);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') {
        settled = true;
        clearTimeout(timer);
        resolve({ kind: 'failure', outcome: 'REFUSED' });
        return;
      }
      reset = true;
    });
    socket.on('close', () => {
      closed = true;
      settle(false);
    });
    socket.on('connect', () => {
      socket.write(Buffer.from(`${raw.head.join('\r\n')}\r\n\r\n`, 'utf8'));
      if (raw.body) socket.write(raw.body);
      if (raw.afterWrite === 'end') socket.end();
    });
  });
}
