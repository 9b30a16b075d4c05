// How many cells run at a time when `--jobs` is not given: one per CPU the process may use
// (os.availableParallelism()), and no more than the memory that is free allows at
// MEMORY_PER_JOB each (an image build, the app, the contract CLI and the Compose CLI of one
// cell fit in it; the shared database servers and emulators are counted once, in the
// reserve). At least 1.
import { availableParallelism, freemem } from 'node:os';

const GIB = 1024 ** 3;
/** Memory one running cell (or one app build) may take. */
export const MEMORY_PER_JOB = 1.5 * GIB;
/** Memory kept for everything else: the shared services, the engine, the rest of the machine. */
export const MEMORY_RESERVE = 1 * GIB;

export function defaultJobs(
  machine: { cpus: number; freeBytes: number } = {
    cpus: availableParallelism(),
    freeBytes: freemem(),
  },
): number {
  const byMemory = Math.floor((machine.freeBytes - MEMORY_RESERVE) / MEMORY_PER_JOB);
  return Math.max(1, Math.min(machine.cpus, byMemory));
}
