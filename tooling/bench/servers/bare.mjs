// The bare hello world of each framework: GET /healthz answers {"status":"ok"} and nothing
// else runs (no host check, headers, request id or log line). The suite compares each app's
// /healthz, which does all of that, against this. Plain JavaScript so that it stays the
// few lines each framework's own documentation shows.
//
//   PORT=3000 node servers/bare.mjs <node|express|koa|fastify|hono|nestjs>
const framework = process.argv[2];
const port = Number(process.env.PORT);
const host = '127.0.0.1';
const body = { status: 'ok' };

async function start() {
  switch (framework) {
    case 'node': {
      const { createServer } = await import('node:http');
      const json = JSON.stringify(body);
      createServer((req, res) => {
        if (req.url === '/healthz') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(json);
        } else {
          res.writeHead(404);
          res.end();
        }
      }).listen(port, host);
      return;
    }
    case 'express': {
      const { default: express } = await import('express');
      const app = express();
      app.get('/healthz', (_req, res) => {
        res.json(body);
      });
      app.listen(port, host);
      return;
    }
    case 'koa': {
      const { default: Koa } = await import('koa');
      const app = new Koa();
      app.use((ctx) => {
        if (ctx.path === '/healthz') ctx.body = body;
      });
      app.listen(port, host);
      return;
    }
    case 'fastify': {
      const { default: Fastify } = await import('fastify');
      const app = Fastify();
      app.get('/healthz', async () => body);
      await app.listen({ port, host });
      return;
    }
    case 'hono': {
      const { Hono } = await import('hono');
      const { serve } = await import('@hono/node-server');
      const app = new Hono();
      app.get('/healthz', (c) => c.json(body));
      serve({ fetch: app.fetch, port, hostname: host });
      return;
    }
    case 'nestjs': {
      await import('reflect-metadata');
      const { Controller, Get, Module } = await import('@nestjs/common');
      const { NestFactory } = await import('@nestjs/core');
      // The decorators applied as functions: this file is not compiled.
      class HealthController {
        healthz() {
          return body;
        }
      }
      Get('healthz')(
        HealthController.prototype,
        'healthz',
        Object.getOwnPropertyDescriptor(HealthController.prototype, 'healthz'),
      );
      Controller()(HealthController);
      class AppModule {}
      Module({ controllers: [HealthController] })(AppModule);
      const app = await NestFactory.create(AppModule, { logger: false });
      await app.listen(port, host);
      return;
    }
    default:
      throw new Error(`unknown framework ${framework}`);
  }
}

await start();
process.on('SIGTERM', () => process.exit(0));
