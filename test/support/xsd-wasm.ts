/**
 * Child process of test/support/ota-xsd.ts on machines without xmllint: validates one message (JSON on
 * stdin: { xml, root, dir }) with libxml2's xmllint compiled to WebAssembly (npm xmllint-wasm), and prints
 * { valid, errors } as JSON. A child, because the library answers asynchronously and assertValidOta is
 * synchronous at its 70 call sites; the schema and every file it includes are handed over up front, as
 * the library reads no file itself.
 */
import fs from 'node:fs';
import path from 'node:path';

function schemaFiles(dir: string, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  for (const m of text.matchAll(/schemaLocation="([^"]+)"/g)) schemaFiles(dir, m[1], seen);
  return seen;
}

async function main(): Promise<void> {
  const { xml, root, dir } = JSON.parse(fs.readFileSync(0, 'utf8')) as { xml: string; root: string; dir: string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validateXML } = require('xmllint-wasm') as { validateXML(o: unknown): Promise<{ valid: boolean; errors: { rawMessage: string }[] }> };
  const [main, ...rest] = [...schemaFiles(dir, `${root}.xsd`)];
  const read = (f: string) => ({ fileName: f, contents: fs.readFileSync(path.join(dir, f), 'utf8') });
  const r = await validateXML({ xml: [{ fileName: 'msg', contents: xml }], schema: [read(main)], preload: rest.map(read), maxMemoryPages: 4096 });
  process.stdout.write(JSON.stringify({ valid: r.valid, errors: r.errors.map((e) => e.rawMessage) }));
}

main().catch((e: Error) => {
  process.stderr.write(e.stack ?? String(e));
  process.exit(2);
});
