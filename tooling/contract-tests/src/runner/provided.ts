// What the CLI hands to the spec files through vitest's `provide`/`inject`.
import type { ContractTarget } from '../target.js';

declare module 'vitest' {
  export interface ProvidedContext {
    contractTarget: ContractTarget;
    /** `--log-file`, or '' without it. */
    contractLogFile: string;
  }
}
