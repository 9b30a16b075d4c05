// The JSON a run writes (results/latest.json) and the page is rendered from: every figure
// the page shows is in here, so `--render` needs nothing else.
import type { Summary } from './stats.js';

export const APPS = ['express', 'koa', 'fastify', 'hono', 'nestjs', 'nextjs'] as const;
export type AppName = (typeof APPS)[number];

/** One endpoint under load: requests per second and p99 latency, one sample per run. */
export interface Load {
  rps: Summary | undefined;
  p99Ms: Summary | undefined;
  /** Responses that were not 2xx, and socket errors/timeouts, summed over the runs. */
  non2xx: number;
  errors: number;
}

export interface UploadResult {
  backend: 'file' | 's3' | 'azure';
  mib: number;
  mibPerSecond: Summary | undefined;
  peakRssMB: Summary | undefined;
  /** Why it was not measured (an emulator missing, the upload failing). */
  skipped?: string;
}

export interface AppResult {
  app: AppName;
  /**
   * The bare framework's hello world (servers/bare.mjs; for Next.js, servers/next-bare under
   * `next start`); absent when it was not measured (its problem says why).
   */
  bareFramework?: Load;
  healthz: Load;
  media: Load;
  page: Load;
  /** Spawn of `node dist/server.js` to the first 200 from /readyz, in ms. */
  startMs: Summary | undefined;
  /** The same for the container (`--container`), when Docker and the image are there. */
  containerStartMs?: Summary | undefined;
  /** RSS a second after the start, and the high-water mark after all the load, in MB. */
  idleRssMB: Summary | undefined;
  /**
   * The bare framework's own start → first 200 (ms) and RSS a second later (MB), measured
   * once the same way: the floor under the app's start time and idle memory.
   */
  bareStartMs?: number;
  bareIdleRssMB?: number;
  peakRssMB: Summary | undefined;
  uploads: UploadResult[];
  image?: ImageResult;
  /** What went wrong while measuring this app (the run goes on with the next one). */
  problems: string[];
}

export interface ImageResult {
  tag: string;
  sizeMB: number;
  baseImage: string;
  baseSizeMB: number;
  coldBuildSeconds?: number;
  warmBuildSeconds?: number;
  skipped?: string;
}

export interface BenchReport {
  /** ISO date and time the run started. */
  date: string;
  /** The command as typed, for the page. */
  command: string;
  machine: {
    cpu: string;
    cores: number;
    memoryGB: number;
    platform: string;
    /** 1, 5 and 15 minute load averages when the run started. */
    loadAverage: [number, number, number];
  };
  /** node and each framework, as installed. */
  versions: Record<string, string>;
  settings: {
    connections: number;
    durationSeconds: number;
    runs: number;
    uploadMiB: number;
    uploadRuns: number;
  };
  /** Bare node:http hello world, for scale. */
  bareNode: Load;
  /** Bare node:http + pg running the apps' list query. */
  baseline: { media: Load; page: Load };
  apps: AppResult[];
}
