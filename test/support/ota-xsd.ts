/**
 * Validates OTA XML against its OpenTravel 2015B schema with xmllint (libxml2-utils). Missing xmllint is
 * a loud failure, not a skip: every RS we emit must be schema-valid and CI installs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../core/paths';

export function xsdDir(): string {
  return process.env.OTA_XSD_DIR ?? path.join(projectRoot(), '..', 'shared', 'opentravel', '2015B');
}

let checked = false;

function requireXmllint(): void {
  if (checked) return;
  const r = spawnSync('xmllint', ['--version']);
  if (r.error || r.status !== 0) throw new Error('xmllint is missing: install the Debian package libxml2-utils (apt-get install libxml2-utils)');
  if (!fs.existsSync(xsdDir())) throw new Error(`OpenTravel schemas not found in ${xsdDir()} (set OTA_XSD_DIR)`);
  checked = true;
}

/** The local name of the document element. */
export function rootName(xml: string): string {
  const m = /<(?:[\w.-]+:)?([\w.-]+)[\s/>]/.exec(xml.replace(/<\?xml[^>]*\?>/, ''));
  if (!m) throw new Error('no document element');
  return m[1];
}

/** Throws with xmllint's messages when `xml` does not validate against `<root>.xsd`. */
export function assertValidOta(xml: string, root = rootName(xml)): void {
  requireXmllint();
  const xsd = path.join(xsdDir(), `${root}.xsd`);
  if (!fs.existsSync(xsd)) throw new Error(`no schema ${root}.xsd`);
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
