'use strict';
// Child-process entry for startAzurite(): runs Azurite's blob service (its own CLI entry,
// with the arguments passed through) and exits when the parent goes away (stdin closes),
// so a crashed test run never leaves an emulator behind.
const path = require('node:path');

const main = path.join(
  path.dirname(require.resolve('azurite/package.json')),
  'dist/src/blob/main.js',
);
process.argv = [process.argv[0], main, ...process.argv.slice(2)];

process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();

require(main);
