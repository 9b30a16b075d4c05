// Graceful shutdown of `node dist/server.js` (SIGTERM mid-upload, a second signal).
import { defineShutdownSuite } from '@divio-samples/app-testkit';
import { app } from './subject.ts';

defineShutdownSuite(app);
