/**
 * Generates the message structures and segment definitions the EDIFACT structure validator uses, from the
 * UN/EDIFACT directory tables in ../shared/edifact-directory (pydifact XML, see its README):
 *
 *   mappings/edifact/generated/d21a/segments.json        segments used by the messages below (batch directory)
 *   mappings/edifact/generated/d21a/messages/<TYPE>.json PAXLST AVLREQ AVLRSP RESREQ RESRSP RESMSG TIQREQ TIQRSP
 *   mappings/edifact/generated/service/v3|v4/segments.json service segments (UNB … UCD), composites from
 *                                                          service-supplement.json (not in the pydifact tables)
 *   mappings/edifact/generated/service/v3|v4/CONTRL.json  CONTRL structure (the directory's corrected file)
 *
 * Run after `npm run build`:  node dist/mappings/edifact/generate.js [directoryPath]
 * Output is deterministic (same input → same bytes), so a re-run shows no diff in git.
 */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { projectRoot } from '../../core/paths';

export type DataType = 'a' | 'n' | 'an';

export interface SimpleDef {
  id: string;
  name: string;
  required: boolean;
  type: DataType;
  /** Minimum length (fixed-length elements have min = max). */
  min?: number;
  max: number;
}

export interface ElementDef {
  id: string;
  name: string;
  required: boolean;
  /** Allowed repetitions of this element (syntax 4); 1 normally. */
  repeat: number;
  /** Present for simple data elements. */
  type?: DataType;
  min?: number;
  max?: number;
  /** Present for composites; absent components means the composite's layout is unknown (not checked). */
  components?: SimpleDef[];
  composite?: boolean;
}

export interface SegmentDef {
  tag: string;
  name: string;
  elements: ElementDef[];
}

export type StructureNode =
  | { segment: string; min: number; max: number }
  | { group: string; min: number; max: number; children: StructureNode[] };

export interface MessageStructure {
  type: string;
  version: string;
  release: string;
  agency: string;
  source: string;
  structure: StructureNode[];
  /** Segments of the structure without a definition in the directory (order-only checks). */
  undefinedSegments: string[];
  /** False when element-level checks are not possible (e.g. IATA PADIS messages). */
  elementChecks?: boolean;
  note?: string;
}

type XNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, parseAttributeValue: false, parseTagValue: false });

function children(node: XNode, name: string): XNode[] {
  const v = node[name];
  return Array.isArray(v) ? (v as XNode[]) : [];
}

function tagOf(node: XNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text');
}

function attrs(node: XNode): Record<string, string> {
  return node[':@'] ?? {};
}

function readXml(file: string): XNode[] {
  return parser.parse(fs.readFileSync(file, 'utf8')) as XNode[];
}

function root(doc: XNode[], name: string): XNode[] {
  const r = doc.find((n) => tagOf(n) === name);
  if (!r) throw new Error(`no <${name}> root`);
  return children(r, name);
}

function dataType(t: string | undefined): DataType {
  return t === 'a' || t === 'n' ? t : 'an';
}

function simple(a: Record<string, string>, requiredDefault = false): SimpleDef {
  const d: SimpleDef = { id: a.id ?? '', name: a.name ?? '', required: a.required === 'true' || requiredDefault, type: dataType(a.type), max: Number(a.maxlength ?? a.length ?? 0) || 0 };
  if (a.length) d.min = Number(a.length);
  if (a.minlength) d.min = Number(a.minlength);
  return d;
}

function readSegments(file: string, composites: Record<string, SimpleDef[]> | null): Map<string, SegmentDef> {
  const out = new Map<string, SegmentDef>();
  for (const s of root(readXml(file), 'segments')) {
    if (tagOf(s) !== 'segment') continue;
    const a = attrs(s);
    const def: SegmentDef = { tag: a.id, name: a.name ?? '', elements: [] };
    for (const e of children(s, 'segment')) {
      const t = tagOf(e);
      const ea = attrs(e);
      const repeat = Number(ea.repeat ?? ea.repetition ?? 1) || 1;
      if (t === 'data_element') {
        const sd = simple(ea);
        def.elements.push({ id: sd.id, name: sd.name, required: sd.required, repeat, type: sd.type, ...(sd.min !== undefined ? { min: sd.min } : {}), max: sd.max });
      } else if (t === 'composite_data_element') {
        const comps = children(e, 'composite_data_element').filter((c) => tagOf(c) === 'data_element').map((c) => simple(attrs(c)));
        const el: ElementDef = { id: ea.id, name: ea.name ?? '', required: ea.required === 'true', repeat, composite: true };
        if (comps.length) el.components = comps;
        else if (composites?.[ea.id]) el.components = composites[ea.id];
        def.elements.push(el);
      }
    }
    out.set(def.tag, def);
  }
  return out;
}

function readStructure(nodes: XNode[], used: Set<string>): StructureNode[] {
  const out: StructureNode[] = [];
  for (const n of nodes) {
    const t = tagOf(n);
    const a = attrs(n);
    const min = a.required === 'true' ? 1 : 0;
    const max = Number(a.maxrepeat ?? 1) || 1;
    if (t === 'segment') {
      used.add(a.id);
      out.push({ segment: a.id, min, max });
    } else if (t === 'group') {
      out.push({ group: a.id, min, max, children: readStructure(children(n, 'group'), used) });
    }
  }
  return out;
}

function readMessage(file: string): { defaults: Record<string, string>; structure: StructureNode[]; used: Set<string> } {
  const nodes = root(readXml(file), 'message');
  const defaults: Record<string, string> = {};
  const d = nodes.find((n) => tagOf(n) === 'defaults');
  if (d) for (const de of children(d, 'defaults')) defaults[attrs(de).id] = attrs(de).value;
  const used = new Set<string>();
  const structure = readStructure(nodes.filter((n) => tagOf(n) !== 'defaults'), used);
  return { defaults, structure, used };
}

function stable(v: unknown): string {
  return JSON.stringify(v, null, 1) + '\n';
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

type Supplement = {
  v3: Record<string, [string, string, boolean, DataType, number, number?][]>;
  v4: Record<string, [string, string, boolean, DataType, number, number?][]>;
  patches: { v4: Record<string, { insertFirst?: ElementDef; insertBefore?: { before: string; element: ElementDef } }> };
};

function supplementComposites(rows: Supplement['v3']): Record<string, SimpleDef[]> {
  const out: Record<string, SimpleDef[]> = {};
  for (const [id, comps] of Object.entries(rows)) {
    out[id] = comps.map(([cid, name, required, type, max, min]) => ({ id: cid, name, required, type, ...(min !== undefined ? { min } : {}), max }));
  }
  return out;
}

export const MESSAGES = ['PAXLST', 'AVLREQ', 'AVLRSP', 'RESREQ', 'RESRSP', 'RESMSG', 'TIQREQ', 'TIQRSP'];

export function generate(directory: string, outDir: string): string[] {
  const written: string[] = [];
  const sup = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'mappings', 'edifact', 'service-supplement.json'), 'utf8')) as Supplement;
  // service segments
  for (const [v, dir] of [['v3', 'v300'], ['v4', 'v402']] as const) {
    const comps = supplementComposites(sup[v]);
    const segs = readSegments(path.join(directory, 'service', dir, 'simple_segments.xml'), comps);
    if (v === 'v4') {
      for (const [tag, patch] of Object.entries(sup.patches.v4)) {
        const s = segs.get(tag);
        if (s && patch.insertFirst && s.elements[0]?.id !== patch.insertFirst.id) s.elements.unshift({ ...patch.insertFirst, repeat: 1 });
        const ib = patch.insertBefore;
        if (s && ib && !s.elements.some((e) => e.id === ib.element.id)) {
          const at = s.elements.findIndex((e) => e.id === ib.before);
          const el: ElementDef = { ...ib.element, repeat: 1 };
          if (el.composite && comps[el.id]) el.components = comps[el.id];
          s.elements.splice(at < 0 ? s.elements.length : at, 0, el);
        }
      }
    }
    const obj: Record<string, SegmentDef> = {};
    for (const tag of [...segs.keys()].sort()) obj[tag] = segs.get(tag)!;
    const f1 = path.join(outDir, 'service', v, 'segments.json');
    write(f1, stable({ source: `service/${dir}/simple_segments.xml + service-supplement.json`, segments: obj }));
    written.push(f1);
    const contrl = readMessage(path.join(directory, 'service', dir, 'messages', 'contrl.xml'));
    const cs: MessageStructure = {
      type: 'CONTRL',
      version: v === 'v4' ? '4' : 'D',
      release: v === 'v4' ? '1' : '3',
      agency: 'UN',
      source: `service/${dir}/messages/contrl.xml`,
      structure: contrl.structure,
      undefinedSegments: [...contrl.used].filter((t) => !segs.has(t)).sort(),
    };
    const f2 = path.join(outDir, 'service', v, 'CONTRL.json');
    write(f2, stable(cs));
    written.push(f2);
  }
  // D.21A messages
  const batch = readSegments(path.join(directory, 'd21a', 'segments.xml'), null);
  const service4 = readSegments(path.join(directory, 'service', 'v402', 'simple_segments.xml'), null);
  const allUsed = new Set<string>();
  for (const type of MESSAGES) {
    const m = readMessage(path.join(directory, 'd21a', 'messages', `${type.toLowerCase()}.xml`));
    for (const t of m.used) allUsed.add(t);
    const ms: MessageStructure = {
      type,
      version: 'D',
      release: '21A',
      agency: m.defaults['0051'] ?? 'UN',
      source: `d21a/messages/${type.toLowerCase()}.xml`,
      structure: m.structure,
      undefinedSegments: [...m.used].filter((t) => !batch.has(t) && !service4.has(t)).sort(),
    };
    if (ms.undefinedSegments.length) ms.note = 'Interactive (IDSD) segments are not in the batch segment directory of the source tables: they are checked for order and repetitions only.';
    const f = path.join(outDir, 'd21a', 'messages', `${type}.json`);
    write(f, stable(ms));
    written.push(f);
  }
  const segObj: Record<string, SegmentDef> = {};
  for (const tag of [...allUsed].sort()) if (batch.has(tag)) segObj[tag] = batch.get(tag)!;
  const f = path.join(outDir, 'd21a', 'segments.json');
  write(f, stable({ source: 'd21a/segments.xml (segments used by the generated messages)', segments: segObj }));
  written.push(f);
  return written;
}

export function defaultDirectory(): string {
  return process.env.EDIFACT_DIRECTORY ?? path.join(projectRoot(), '..', 'shared', 'edifact-directory');
}

if (require.main === module) {
  const dir = process.argv[2] ?? defaultDirectory();
  const out = path.join(projectRoot(), 'mappings', 'edifact', 'generated');
  const files = generate(dir, out);
  for (const f of files) console.log(`wrote ${path.relative(projectRoot(), f)}`);
}
