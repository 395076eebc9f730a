import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

/** The structured logger every part of Hangar writes to (pino, as fastify uses). */
export type Logger = PinoLogger;

/** A log level name. */
export type LogLevel = LevelWithSilent;

/** The log levels `--log-level` accepts. */
export const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Creates the server's root logger: JSON lines on stdout, at the given level. */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({ level, base: { service: 'hangar' } });
}
