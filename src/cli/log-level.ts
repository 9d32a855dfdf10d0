// `--log-level` / CHORUS_LOG_LEVEL for `chorus serve` and `chorus worker`.

import { LogLevelError, type LogLevel, logLevel } from '../server/logger.ts';
import { UsageError } from './io.ts';

/** The level to log at; a wrong one is a usage error (exit 2). */
export function cliLogLevel(flag?: string): LogLevel {
  try {
    return logLevel(flag);
  } catch (e) {
    if (e instanceof LogLevelError) throw new UsageError(e.message);
    throw e;
  }
}

