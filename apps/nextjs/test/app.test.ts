// Behaviour the contract does not pin down (logging, 405, ETag/HEAD, static caching, aborted
// uploads): the shared suite in @divio-samples/app-testkit, on this app.
import { defineAppSuite } from '@divio-samples/app-testkit';
import { app } from './subject.ts';

defineAppSuite(app);
