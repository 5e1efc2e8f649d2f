/** Commands contributed by the protocol adapters (`translate`, `edifact`, `channels`) and `prune`. */
import fs from 'node:fs';
import type { Io } from './main';
import { edifactCli } from '../edifact/cli';
import { translateEdifact } from '../edifact/messages';
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

const translate: Command = async (args, io) => {
  const file = args[0];
  if (!file || args.length > 1) { io.stderr.write('usage: maqam translate FILE   (an EDIFACT interchange or an OpenTravel XML message)\n'); return 2; }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    io.stderr.write(`maqam translate: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  const format = detectFormat(bytes);
  if (format === 'edifact') {
    const r = translateEdifact(bytes);
    io.stdout.write(JSON.stringify({ format: 'edifact', canonical: r.canonical, findings: r.findings }, null, 2) + '\n');
    if (r.canonical.length > 0) return 0;
    const errors = r.findings.filter((f) => f.severity === 'error');
    io.stderr.write(`maqam translate: nothing could be translated from ${file}${errors.length ? `: ${errors.map((f) => `[0085 ${f.code0085}${f.position ? ` at segment ${f.position}` : ''}] ${f.message}`).join('; ')}` : ''}\n`);
    return 1;
  }
  if (format === 'xml') {
    try {
      const r = await translateOta(bytes.toString('utf8'));
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
  translate,
  edifact: (args, io) => edifactCli(args, io),
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
