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
require(main).main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error('maqam: ' + (err && err.message ? err.message : String(err))); process.exitCode = 1; },
);
