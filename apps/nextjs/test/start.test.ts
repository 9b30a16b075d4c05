// The built server without configuration, with a bad one, and the release command, as real
// processes. (The root `npm start` runs the Express sample; apps/express tests it.)
import { defineStartSuite } from '@divio-samples/app-testkit';
import { app } from './subject.ts';

defineStartSuite(app);
