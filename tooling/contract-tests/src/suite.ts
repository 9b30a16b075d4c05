// The sample app contract (docs/contract.md) as vitest blocks, one file per area under
// `suite/`. `defineContractSuite` registers them in the contract's order; the target is read
// lazily (inside hooks and tests), so a caller can start its server in a `beforeAll` that
// runs first.
//
// Every test sends its own data (unique filenames per run) and never assumes an empty
// table, so the suite can run against a database that other runs already used.
import { beforeAll, describe } from 'vitest';
import { defineConnectionTests } from './suite/connections.js';
import { defineContentTests } from './suite/content.js';
import { createContractContext } from './suite/context.js';
import { defineDeleteTests } from './suite/delete.js';
import { defineErrorTests } from './suite/errors.js';
import { defineFormTests } from './suite/form.js';
import { defineGetTests } from './suite/get.js';
import { defineHealthTests } from './suite/health.js';
import { defineHostCheckTests } from './suite/host-check.js';
import { defineHtmlPageTests } from './suite/html-page.js';
import { defineListTests } from './suite/list.js';
import { defineLogTests } from './suite/logs.js';
import { defineMediaFileTests } from './suite/media-files.js';
import { defineMethodTests } from './suite/methods.js';
import { defineParserErrorTests } from './suite/parser-errors.js';
import { defineRequestIdTests } from './suite/request-id.js';
import { defineSecurityHeaderTests } from './suite/security-headers.js';
import { defineSslRedirectTests } from './suite/ssl-redirect.js';
import { defineStaticFileTests } from './suite/static-files.js';
import { defineTimeoutTests } from './suite/timeouts.js';
import { defineUploadTests } from './suite/upload.js';
import { defineUploadParsingTests } from './suite/upload-parsing.js';
import type { ContractTarget } from './target.js';

export {
  encodeRfc8187,
  expectError,
  expectSecurityHeaders,
  type Media,
  sha256,
  UUID_PATTERN,
} from './suite/expect.js';
export { requestLogLines } from './suite/logs.js';

export interface ContractSuiteOptions {
  /**
   * Everything the app wrote to stdout so far. When given, the suite also checks the
   * contract's log rules: one JSON line per request with `method`, `url`, `status`,
   * `responseTime` and `reqId`, and no credential header values.
   */
  logs?: () => string | Promise<string>;
}

/**
 * Registers the whole contract suite. `target` is called inside hooks and tests, never at
 * registration time, so it may return a server started in an enclosing `beforeAll`.
 * With `options.logs` it registers the log checks too.
 */
export function defineContractSuite(
  target: () => ContractTarget,
  options: ContractSuiteOptions = {},
): void {
  const ctx = createContractContext(target);
  describe('contract (docs/contract.md)', () => {
    beforeAll(() => ctx.connect());

    defineHealthTests(ctx);
    defineSecurityHeaderTests(ctx);
    defineRequestIdTests(ctx);
    defineHostCheckTests(ctx);
    defineSslRedirectTests(ctx);
    defineConnectionTests(ctx);
    defineUploadTests(ctx);
    defineUploadParsingTests(ctx);
    defineListTests(ctx);
    defineGetTests(ctx);
    defineContentTests(ctx);
    defineMediaFileTests(ctx);
    defineDeleteTests(ctx);
    defineHtmlPageTests(ctx);
    defineStaticFileTests(ctx);
    defineFormTests(ctx);
    defineTimeoutTests(ctx);
    if (options.logs) defineLogTests(ctx, options.logs);
    defineErrorTests(ctx);
    defineParserErrorTests(ctx);
    defineMethodTests(ctx);
  });
}
