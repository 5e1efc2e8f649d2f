/**
 * The message archive: every OTA message in and out, with card numbers, security codes and passwords
 * masked before they are stored, correlated by correlation id, EchoToken and booking locator.
 */
import type { Logger } from 'winston';
import type { Sql } from '../postgres/db';
import { insertMessage, type ArchivedMessage } from './sql';

/** Keeps the last 4 digits of a card number. */
function maskPan(pan: string): string {
  const digits = pan.replace(/\D/g, '');
  return digits.length <= 4 ? '*'.repeat(digits.length) : '*'.repeat(digits.length - 4) + digits.slice(-4);
}

/**
 * Masks PaymentCard@CardNumber (and the CardNumber element form), SeriesCode (CVV), MessagePassword,
 * WS-Security passwords, and any other 13–19 digit run that looks like a card number.
 */
export function maskSecrets(xml: string): string {
  return xml
    .replace(/(\bCardNumber\s*=\s*["'])([^"']*)(["'])/g, (_m, a: string, v: string, b: string) => a + maskPan(v) + b)
    .replace(/(<(?:\w+:)?CardNumber\b[^>]*>)([\s\S]*?)(<\/(?:\w+:)?CardNumber>)/g, (_m, a: string, v: string, b: string) => a + v.replace(/\d[\d\s-]{11,}\d/g, maskPan) + b)
    .replace(/(\b(?:SeriesCode|MessagePassword)\s*=\s*["'])([^"']*)(["'])/g, '$1***$3')
    .replace(/(<(?:\w+:)?(?:SeriesCode|Password)\b[^>]*>)([\s\S]*?)(<\/(?:\w+:)?(?:SeriesCode|Password)>)/g, '$1***$3')
    .replace(/(?<![\d.])\d{13,19}(?![\d.])/g, maskPan);
}

/** Archives one message; a failure to archive is logged and never fails the exchange itself. */
export async function archive(db: Sql, log: Logger | undefined, m: ArchivedMessage): Promise<void> {
  try {
    await insertMessage(db, { ...m, body: maskSecrets(m.body) });
  } catch (e) {
    log?.error('ota archive failed', { error: (e as Error).message, message: m.message, correlationId: m.correlationId });
  }
}
