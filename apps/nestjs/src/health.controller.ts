// The platform's probes: liveness (`/healthz`, the process answers) and readiness
// (`/readyz`: database, migrations, storage, not shutting down). The host check and the HTTPS
// redirect run before every route but leave these two paths alone (probes use the IP and
// plain HTTP).
import type { Runtime } from '@divio-samples/app-core';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { RUNTIME } from './runtime.module.ts';

@Controller()
export class HealthController {
  readonly #runtime: Runtime;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    this.#runtime = runtime;
  }

  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 or 503 with the checks: the status depends on the result, so the route sends it. */
  @Get('readyz')
  async readiness(@Res() res: Response): Promise<void> {
    const result = await this.#runtime.readiness();
    res.status(result.status === 'ok' ? 200 : 503).json(result);
  }
}
