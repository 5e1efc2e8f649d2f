#!/usr/bin/env node
'use strict';
// The CLI entry point: runs the compiled TypeScript (npm install builds it through the `prepare` script).
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'adapters', 'cli', 'main.js');
if (!fs.existsSync(main)) {
  console.error('maqam: the build is missing. Run `npm install` (or `npm run build`) in ' + path.join(__dirname, '..'));
  process.exit(1);
}
// A reader that stops early (`maqam edifact parse big.edi | head`) closes the pipe: stop quietly with the
// status of a Unix tool killed by SIGPIPE (128 + 13) instead of crashing with a stack trace; any other
// failure to write the output (a full disk) is one line and exit 1. The gateway goes on without its console.
const command = process.argv[2];
process.stdout.on('error', (err) => {
  if (command === 'start') return;
  if (err && err.code === 'EPIPE') process.exit(141);
  process.stderr.write('maqam: cannot write the output: ' + (err && err.message ? err.message : String(err)) + '\n');
  process.exit(1);
});
process.stderr.on('error', () => undefined);
require(main).main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error('maqam: ' + (err && err.message ? err.message : String(err))); process.exitCode = 1; },
);
