/**
 * Validates OTA XML against its OpenTravel 2015B schema with xmllint: Debian's libxml2-utils when it is
 * installed (CI installs it), else the same libxml2 compiled to WebAssembly (npm xmllint-wasm, in a child
 * process: xsd-wasm.ts), so that a fresh machine validates every message too. Never a skip: every RS we
 * emit must be schema-valid.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../core/paths';

export function xsdDir(): string {
  return process.env.OTA_XSD_DIR ?? path.join(projectRoot(), '..', 'shared', 'opentravel', '2015B');
}

let native: boolean | undefined;

/** Whether Debian's xmllint is here (else the WebAssembly one is used); the schemas must be. */
function nativeXmllint(): boolean {
  if (native !== undefined) return native;
  if (!fs.existsSync(xsdDir())) throw new Error(`OpenTravel schemas not found in ${xsdDir()} (set OTA_XSD_DIR)`);
  const r = spawnSync('xmllint', ['--version']);
  native = !r.error && r.status === 0;
  return native;
}

/** xmllint-wasm's verdict on `xml` against `<root>.xsd` (see xsd-wasm.ts). */
export function wasmErrors(xml: string, root: string): string[] {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'xsd-wasm.js')], { input: JSON.stringify({ xml, root, dir: xsdDir() }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`xmllint is not installed and its WebAssembly build failed (npm ci installs xmllint-wasm): ${r.stderr || r.error}`);
  const v = JSON.parse(r.stdout) as { valid: boolean; errors: string[] };
  return v.valid ? [] : v.errors;
}

/** The local name of the document element. */
export function rootName(xml: string): string {
  const m = /<(?:[\w.-]+:)?([\w.-]+)[\s/>]/.exec(xml.replace(/<\?xml[^>]*\?>/, ''));
  if (!m) throw new Error('no document element');
  return m[1];
}

/** Throws with xmllint's messages when `xml` does not validate against `<root>.xsd`. */
export function assertValidOta(xml: string, root = rootName(xml)): void {
  const useNative = nativeXmllint();
  const xsd = path.join(xsdDir(), `${root}.xsd`);
  if (!fs.existsSync(xsd)) throw new Error(`no schema ${root}.xsd`);
  if (!useNative) {
    const errors = wasmErrors(xml, root);
    if (errors.length) throw new Error(`${root} does not validate against ${path.basename(xsd)}:\n${errors.join('\n')}\n${xml.slice(0, 3000)}`);
    return;
  }
  const file = path.join(os.tmpdir(), `ota-${process.pid}-${Math.random().toString(36).slice(2)}.xml`);
  fs.writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '--schema', xsd, file], { stdio: 'pipe' });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new Error(`${root} does not validate against ${path.basename(xsd)}:\n${err.stderr?.toString().split(file).join('msg')}\n${xml.slice(0, 3000)}`);
  } finally {
    fs.unlinkSync(file);
  }
}
