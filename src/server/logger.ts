// The process log of `chorus serve` and `chorus worker`: pino (Fastify's logger), one JSON line per
// entry on stderr (stdout keeps the start banner), at `info` unless `--log-level` or
// CHORUS_LOG_LEVEL say otherwise. Requests are one line each at `debug`; every 5xx is logged at
// `error` with its stack. Nothing secret is written: request lines carry the method, the path
// (bot tokens in `/bot<token>/` and query strings scrubbed) and the status, never headers or
// bodies, and every message and error text goes through `scrub` (bearer tokens, passwords,
// secrets, credentials in database URLs).

import type { FastifyInstance } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class LogLevelError extends Error {
  constructor(value: string) {
    super(`"${value}" is not a log level; use one of ${LOG_LEVELS.join(', ')}`);
    this.name = 'LogLevelError';
  }
}

/** The `--log-level` option of `chorus serve` and `chorus worker`. */
export const LOG_LEVEL_OPTION = [
  '--log-level <level>',
  'what the process logs (on stderr, JSON lines): fatal, error, warn, info (default, or CHORUS_LOG_LEVEL), debug (also one line per request), trace, silent',
] as const;

/** A stop that takes longer than this ends the process anyway (exit 1), saying what was still open. */
export const STOP_DEADLINE_MS = 9_500;

/**
 * Runs `stop` on the first SIGTERM or SIGINT and resolves when it is done. A second signal, or a
 * stop that outlives STOP_DEADLINE_MS, ends the process at once: a supervisor's SIGKILL must
 * never be needed.
 */
export function onStopSignal(logger: Logger, stop: () => Promise<void>, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const run = (why: string) => {
      if (stopping) {
        logger.warn(`${why} again while stopping: exiting now`);
        process.exit(1);
      }
      stopping = true;
      logger.info(`${why}: stopping (in-flight sends finish and are recorded)`);
      const hard = setTimeout(() => {
        logger.error(`the stop took longer than ${STOP_DEADLINE_MS / 1000} s: exiting anyway; the next worker's recovery settles what was being sent`);
        process.exit(1);
      }, STOP_DEADLINE_MS);
      hard.unref();
      stop()
        .catch((err: unknown) => logger.error({ err }, 'stopping failed'))
        .finally(() => {
          clearTimeout(hard);
          resolve();
        });
    };
    if (signal) {
      if (signal.aborted) run('asked to stop');
      else signal.addEventListener('abort', () => run('asked to stop'), { once: true });
      return;
    }
    process.on('SIGTERM', () => run('SIGTERM'));
    process.on('SIGINT', () => run('SIGINT'));
  });
}

/**
 * After a clean stop: whatever a library still holds open (a platform's keep-alive socket) must
 * not keep the process alive.
 */
export function exitSoon(): void {
  setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
}

/** The level from the flag, else CHORUS_LOG_LEVEL, else info. */
export function logLevel(flag?: string, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const value = (flag ?? env.CHORUS_LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new LogLevelError(value);
  return value as LogLevel;
}

const keepQuotes = (_: string, key: string, value: string) => `${key}${/^["']/.test(value) ? `${value[0]}[redacted]${value[0]}` : '[redacted]'}`;

const SECRET_PATTERNS: [RegExp, string | ((...m: string[]) => string)][] = [
  // Telegram bot tokens in Bot API paths and anywhere else they show up.
  [/\/bot\d+:[\w-]+/g, '/bot[redacted]'],
  [/\b\d{6,}:[\w-]{30,}\b/g, '[redacted token]'],
  [/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, '$1 [redacted]'],
  // user:password@ in URLs (DATABASE_URL in a connection error).
  [/(\w+:\/\/[^\s:/@]+):[^\s@/]+@/g, '$1:[redacted]@'],
  // "password": "…", password=…, and the other credential names of channel settings.
  [
    /(["']?\b(?:password|passwd|currentPassword|newPassword|secret|token|access_token|aesKey|puppetToken|webhookSecret|corpsecret|apiKey)\b["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,&}]+)/gi,
    keepQuotes,
  ],
];

/** Removes credentials from a text that is about to be logged. */
export function scrub(text: string): string {
  let out = text;
  for (const [re, to] of SECRET_PATTERNS) out = typeof to === 'string' ? out.replace(re, to) : out.replace(re, to as (...m: string[]) => string);
  return out;
}

/** A request's path for the log: tokens in the path scrubbed, the query string's values dropped. */
export function logUrl(url: string): string {
  const [path, query] = url.split('?', 2);
  const keys = query ? [...new URLSearchParams(query).keys()] : [];
  return scrub(path) + (keys.length ? `?${keys.map((k) => `${k}=…`).join('&')}` : '');
}

function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrub(String(err)) };
  const code = (err as { code?: unknown }).code;
  return { type: err.name, message: scrub(err.message), stack: scrub(err.stack ?? ''), ...(code !== undefined ? { code } : {}) };
}

export function createLogger(opts: { level?: LogLevel; destination?: DestinationStream; name?: string } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      ...(opts.name ? { name: opts.name } : {}),
      serializers: {
        err: errorFields,
        error: errorFields,
        req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, url: logUrl(req.url ?? ''), id: req.id }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      // Belt and braces: headers never reach the log through our serializers, but a stray object might.
      redact: {
        paths: ['headers.authorization', 'headers.cookie', 'headers["set-cookie"]', 'headers["x-telegram-bot-api-secret-token"]', '*.password', '*.token', '*.secret'],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    // Synchronous: a stop ends with process.exit, which must not lose the last lines.
    opts.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/**
 * The `log(line)` callback the worker, receivers and sweep take, written to the logger: lines that
 * report a failure at `warn`, the rest at `info`.
 */
export function lineLog(logger: Logger, component: string): (line: string) => void {
  const child = logger.child({ component });
  return (line: string) => {
    if (/\b(fail|failed|could not|cannot|lost|error)\b/i.test(line)) child.warn(line);
    else child.info(line);
  };
}

/** One line per request at `debug`: method, scrubbed path, status and time. */
export function logRequests(app: FastifyInstance): void {
  // Without a logger (tests, benches) Fastify's stand-in has no isLevelEnabled. A callback hook,
  // not an async one: it runs on every answer and mostly does nothing.
  const log = app.log as unknown as Partial<Logger>;
  const debug = () => typeof log.isLevelEnabled === 'function' && log.isLevelEnabled('debug');
  app.addHook('onResponse', (req, reply, done) => {
    if (debug()) req.log.debug({ method: req.method, url: logUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    done();
  });
}
