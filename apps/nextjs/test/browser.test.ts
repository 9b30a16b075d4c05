// A person's path through the app, in a real browser: Debian's Chromium (driven by
// playwright-core) opens `/`, uploads an image through the form and sees it in the list.
// Without Chromium it skips and says so; under CI=true that is a failure.
import { defineBrowserCell } from '@divio-samples/app-testkit';
import { app } from './subject.ts';

defineBrowserCell(app);
