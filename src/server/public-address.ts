// Behind a reverse proxy (every real deployment has one for TLS) the server sees the proxy's
// address, not the visitor's, and plain HTTP. `--trust-proxy` / CHORUS_TRUST_PROXY tells Fastify
// which proxies to believe about X-Forwarded-For / -Proto / -Host, so that sign-in throttling
// counts real visitors; `--public-url` / CHORUS_PUBLIC_URL is the address people open, and when
// it is https session cookies are always Secure. Pure parsing with plain-sentence errors.

import { isIP } from 'node:net';

/** What Fastify's `trustProxy` accepts: every proxy, the nearest N hops, or these addresses / CIDRs. */
export type TrustProxy = boolean | number | string[];

/** Names proxy-addr (Fastify's) knows for address ranges. */
const RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export class AddressSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressSettingError';
  }
}

/**
 * `true`/`false`, a hop count (`1`: the nearest proxy), or a comma-separated list of addresses,
 * CIDR ranges and the names loopback, linklocal, uniquelocal. Empty or absent: undefined (trust none).
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^(true|yes|on)$/i.test(v)) return true;
  if (/^(false|no|off)$/i.test(v)) return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops < 1 || hops > 10) throw new AddressSettingError(`--trust-proxy ${v}: a hop count is between 1 and 10.`);
    return hops;
  }
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (RANGES.has(item)) continue;
    const [addr, bits, extra] = item.split('/');
    const family = isIP(addr);
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!family || !okBits || extra !== undefined) {
      throw new AddressSettingError(
        `--trust-proxy: "${item}" is not an address or a CIDR range; use true, a hop count, or addresses such as 127.0.0.1,10.0.0.0/8 (or loopback, linklocal, uniquelocal).`,
      );
    }
  }
  return items;
}

/** The public URL without a trailing slash; only http and https, with no path query or fragment beyond a base path. */
export function parsePublicUrl(value: string | undefined): URL | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new AddressSettingError(`--public-url "${v}" is not a URL; write it as people open it, e.g. https://chorus.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AddressSettingError(`--public-url "${v}" should start with https:// (or http://).`);
  if (url.search || url.hash || url.username || url.password) throw new AddressSettingError(`--public-url "${v}" should hold no query, fragment or credentials.`);
  return url;
}

/** Fastify's form: its types lack the hop count, which proxy-addr reads as "the nearest N hops". */
export function fastifyTrustProxy(t: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof t === 'number' ? (_address, hop) => hop < t : t;
}
