// Entry point for `contract-tests run --browser`: the browser test against the target.
import { inject } from 'vitest';
import { defineBrowserSuite } from '../browser.js';
import './provided.js';

const target = inject('contractTarget');
defineBrowserSuite(() => target);
