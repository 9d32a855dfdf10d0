// Security headers on every answer (helmet), fitted to what the console needs and no more:
// - scripts only from this server (the Vite build has no inline script);
// - styles from this server plus inline ones: CodeMirror injects <style> elements and React
//   renders `style={…}` attributes, so 'unsafe-inline' for styles (never for scripts);
// - images from this server, data: (the favicon, QR codes as data URLs) and blob: (QR images);
// - no plugins, no <base> elsewhere, forms post only here, and no framing at all
//   (frame-ancestors 'none' + X-Frame-Options DENY: clickjacking);
// - nosniff, no referrer to the sites people follow links to, and HSTS plus
//   upgrade-insecure-requests only when the public URL is https (on plain http they would break
//   a LAN install or pin a name that has no certificate).
// The API docs page (/api/docs) is plain HTML with one inline <style>, which this allows.

import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';

export function contentSecurityPolicy(https: boolean): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'script-src-attr': ["'none'"],
    'upgrade-insecure-requests': https ? [] : null,
  };
}

export async function registerSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): Promise<void> {
  // helmet's middleware is made once here and only run per request (@fastify/helmet builds a new
  // one for every request, a tenth of a busy webhook's time).
  const apply = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(opts.https) },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: opts.https ? { maxAge: 180 * 86_400, includeSubDomains: false } : false,
    // The console loads nothing from other origins, and pages of other origins need nothing from it.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (req, reply, done) => {
    apply(req.raw, reply.raw, (err?: unknown) => done(err instanceof Error ? err : undefined));
  });
}
