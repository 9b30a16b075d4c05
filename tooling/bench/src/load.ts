// One endpoint under load with autocannon, bounded in connections and seconds, 127.0.0.1 only.
import autocannon from 'autocannon';
import type { Load } from './report.js';
import { summarise } from './stats.js';

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

export interface LoadSample {
  rps: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/**
 * The headers the platform's load balancer sends: the public host and the original scheme
 * (the apps redirect plain http to https, as in production).
 */
export const PROXY_HEADERS: Record<string, string> = {
  host: 'contract.example',
  'x-forwarded-proto': 'https',
};

export async function loadOnce(
  url: string,
  options: LoadOptions,
  headers: Record<string, string> = PROXY_HEADERS,
): Promise<LoadSample> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`load only on 127.0.0.1: ${url}`);
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    headers,
  });
  return {
    rps: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** A short burst first so that the JIT and the connection pool are warm before measuring. */
export async function warmUp(
  url: string,
  headers: Record<string, string> = PROXY_HEADERS,
  amount = 300,
) {
  await autocannon({ url, connections: 4, amount, timeout: 10, headers });
}

/** Collects the samples of several runs into the report's shape. */
export class LoadSamples {
  private readonly samples: LoadSample[] = [];
  add(sample: LoadSample): void {
    this.samples.push(sample);
  }
  toLoad(): Load {
    return {
      rps: summarise(this.samples.map((s) => s.rps)),
      p99Ms: summarise(this.samples.map((s) => s.p99Ms)),
      non2xx: this.samples.reduce((sum, s) => sum + s.non2xx, 0),
      errors: this.samples.reduce((sum, s) => sum + s.errors, 0),
    };
  }
}
