// A person's path through the app, in a real browser: Debian's Chromium (driven by
// playwright-core) opens `/`, uploads an image through the form and sees it in the list.
// Without Chromium it skips and says so; under CI=true that is a failure.
import { defineBrowserSuite } from '@divio-samples/contract-tests';
import { describe } from 'vitest';
import { useCell } from './cell.js';

describe('browser × better-sqlite3 × file', () => {
  const cell = useCell('better-sqlite3', 'file');
  defineBrowserSuite(() => cell.target());
});
