// A TCP proxy between an app and one backing service (PostgreSQL, S3) that can be told to
// fail the way networks do: `refuse` (connections are reset and new ones closed at once,
// like a stopped service) and `hang` (connections stay open but nothing is forwarded any
// more, like packets dropped by a firewall or a frozen host). Written here because what a
// fault test needs is tiny (Node's `net` does the work) and the usual tool for it,
// Toxiproxy, is a Go server that cannot be installed on the CI machine.
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

export type ProxyMode = 'forward' | 'refuse' | 'hang';

export interface FaultProxy {
  /** The port on 127.0.0.1 to give the app instead of the service's. */
  readonly port: number;
  readonly mode: ProxyMode;
  /**
   * Switches the mode. `refuse` resets every open connection; `hang` stops forwarding on
   * them (and accepts new ones without forwarding); back to `forward`, the hung
   * connections are reset (the partition ends, their state is lost), new ones forward.
   */
  set(mode: ProxyMode): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
}

function reset(socket: Socket | undefined): void {
  if (!socket || socket.destroyed) return;
  // An RST, as a service that went away gives; plain destroy() where RST is not possible.
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

export async function startFaultProxy(targetHost: string, targetPort: number): Promise<FaultProxy> {
  let mode: ProxyMode = 'forward';
  const pairs = new Set<Pair>();

  const stopForwarding = (pair: Pair) => {
    pair.client.unpipe();
    pair.upstream?.unpipe();
    pair.client.pause();
    pair.upstream?.pause();
  };

  const server: Server = createServer((client) => {
    client.on('error', () => {});
    const pair: Pair = { client };
    pairs.add(pair);
    client.once('close', () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (mode === 'refuse') {
      reset(client);
      return;
    }
    if (mode === 'hang') {
      client.pause();
      return;
    }
    const upstream = tcpConnect(targetPort, targetHost);
    pair.upstream = upstream;
    upstream.on('error', () => reset(client));
    upstream.once('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };

  return {
    port,
    get mode() {
      return mode;
    },
    set(next) {
      const previous = mode;
      mode = next;
      for (const pair of [...pairs]) {
        if (next === 'refuse' || (next === 'forward' && previous === 'hang')) {
          reset(pair.client);
          reset(pair.upstream);
          pairs.delete(pair);
        } else if (next === 'hang') {
          stopForwarding(pair);
        }
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
