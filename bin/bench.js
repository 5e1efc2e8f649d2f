#!/usr/bin/env node
'use strict';
// npm run bench -- <name> [args]: runs dist/bench/<name>.js, whose last printed line holds its figures.
const path = require('node:path');
const fs = require('node:fs');
const [name, ...args] = process.argv.slice(2);
const dir = path.join(__dirname, '..', 'dist', 'bench');
const available = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.js') && !f.startsWith('_')).map((f) => f.slice(0, -3)) : [];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>   (available: ${available.join(', ') || 'none: run npm run build'})`);
  process.exit(2);
}
require(path.join(dir, name + '.js')).run(args).then(
  () => process.exit(0),
  (err) => { console.error(`bench ${name} failed: ${err && err.stack ? err.stack : err}`); process.exit(1); },
);
