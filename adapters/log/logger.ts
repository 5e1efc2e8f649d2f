/**
 * Structured JSON logs through winston. One line per event; a correlation id ties together everything a
 * request caused. Secrets and card numbers must be masked by the caller before they reach a log.
 */
import winston from 'winston';

export type Logger = winston.Logger;

export function createLogger(level = 'info', opts: { silent?: boolean } = {}): Logger {
  return winston.createLogger({
    level,
    silent: opts.silent ?? false,
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
    defaultMeta: { service: 'maqam' },
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}

/** A logger that writes nothing (tests, CLI one-shots). */
export function silentLogger(): Logger {
  return createLogger('error', { silent: true });
}
