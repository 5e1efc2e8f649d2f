/** Commands contributed by the protocol adapters (`translate`, `edifact`, `channels`) and `prune`. */
import fs from 'node:fs';
import type { Io } from './main';
import { edifactCli, Out, readHead, readWithProgress, type CliIo, type CliOptions } from '../edifact/cli';
import { EdifactTranslator, rejectUntranslatable, type Finding as TranslationFinding } from '../edifact/messages';
import { translateOta } from '../ota';
import { isGatewayError } from '../../core/errors';
import { channelsCli } from '../channels/cli';
import { loadConfig } from '../../config';
import { silentLogger } from '../log/logger';
import { openDatabase } from './app';
import { migrate } from '../postgres/migrate';
import { pruneCommand } from './retention';

export type Command = (args: string[], io: Io) => Promise<number>;

/** What a file holds, from its first non-blank bytes. */
export function detectFormat(bytes: Buffer): 'edifact' | 'xml' | 'unknown' {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  const head = bytes.subarray(i, i + 3).toString('latin1');
  if (head === 'UNA' || head === 'UNB' || head === 'UIB' || head === 'UNH' || head === 'UIH') return 'edifact';
  if (head.startsWith('<')) return 'xml';
  return 'unknown';
}

/**
 * An EDIFACT file translated as it is read, its canonical values written out one by one (the same JSON as
 * `JSON.stringify({ format, canonical, findings }, null, 2)`): a file of any size holds one message at a
 * time, and a long run reports its progress on stderr.
 */
async function translateEdifactFile(file: string, io: CliIo, o: CliOptions): Promise<number> {
  const out = new Out(io);
  const findings: TranslationFinding[] = [];
  let n = 0;
  out.write('{\n  "format": "edifact",\n  "canonical": [');
  const t = new EdifactTranslator({
    canonical: (v) => out.write((n++ ? ',\n    ' : '\n    ') + JSON.stringify(v, null, 2).replace(/\n/g, '\n    ')),
    finding: (f) => findings.push(f),
  });
  for await (const chunk of readWithProgress(file, o, io.stderr, 'maqam translate')) {
    t.push(chunk);
    if (out.pending > 0) await out.flush();
  }
  t.end();
  out.write(`${n ? '\n  ]' : ']'},\n  "findings": ${JSON.stringify(findings, null, 2).replace(/\n/g, '\n  ')}\n}\n`);
  await out.flush();
  if (n > 0) return 0;
  const errors = findings.filter((f) => f.severity === 'error');
  io.stderr.write(`maqam translate: nothing could be translated from ${file}${errors.length ? `: ${errors.map((f) => `[0085 ${f.code0085}${f.position ? ` at segment ${f.position}` : ''}] ${f.message}`).join('; ')}` : ''}\n`);
  return 1;
}

/** `maqam translate FILE`; `progressEveryMs` for tests. */
export async function translateCli(args: string[], io: CliIo, o: CliOptions = {}): Promise<number> {
  const file = args[0];
  if (!file || args.length > 1) { io.stderr.write('usage: maqam translate FILE   (an EDIFACT interchange or an OpenTravel XML message)\n'); return 2; }
  let head: Buffer;
  try {
    head = await readHead(file);
  } catch (e) {
    io.stderr.write(`maqam translate: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  const format = detectFormat(head);
  if (format === 'edifact') return translateEdifactFile(file, io, o);
  if (format === 'xml') {
    try {
      const r = await translateOta(fs.readFileSync(file).toString('utf8'));
      io.stdout.write(JSON.stringify({ format: 'ota', canonical: r.canonical, findings: r.findings }, null, 2) + '\n');
      return 0;
    } catch (e) {
      if (!isGatewayError(e)) throw e;
      io.stderr.write(`maqam translate: ${file} is not a message the gateway understands: [${e.code}] ${e.message}\n`);
      return 1;
    }
  }
  io.stderr.write(`maqam translate: ${file} is neither an EDIFACT interchange (UNA/UNB/UIB…) nor XML\n`);
  return 1;
};

export const extraCommands: Record<string, Command> = {
  translate: (args, io) => translateCli(args, io),
  // `edifact ack` shows the CONTRL POST /edifact sends, the PAXLST/PNRGOV its translators cannot read rejected
  edifact: (args, io) => edifactCli(args, io, { checkMessages: (ich) => rejectUntranslatable(ich, new Date()) }),
  async channels(args, io) {
    const db = await openDatabase(loadConfig(), silentLogger());
    try {
      await migrate(db);
      return await channelsCli(args, io, { db });
    } finally {
      await db.close();
    }
  },
  prune: pruneCommand,
};
