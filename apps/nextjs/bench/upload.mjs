// Upload throughput and the server's peak memory (see tooling/app-testkit/src/bench.ts).
//   npm run build && node bench/upload.mjs [MiB, default 256]
import { fileURLToPath } from 'node:url';
import { runUploadBench } from '@divio-samples/app-testkit/bench';

await runUploadBench({
  appDir: fileURLToPath(new URL('..', import.meta.url)),
  framework: 'nextjs',
  mib: Number(process.argv[2] ?? 256),
});
