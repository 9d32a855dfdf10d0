// A tracked link's slug: random (not a counter, so one link tells nothing about another), short
// enough to read on a phone. 10 characters of base62 ≈ 59 bits: guessing one of a million slugs
// takes ~10^11 tries, and the redirect is rate limited per address. Pure but for the randomness.

import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const SLUG_LENGTH = 10;

export function newSlug(): string {
  // 256 % 62 leaves a bias; bytes ≥ 248 are drawn again so every character is equally likely.
  let out = '';
  while (out.length < SLUG_LENGTH) {
    for (const b of randomBytes(16)) {
      if (b >= 248) continue;
      out += ALPHABET[b % 62];
      if (out.length === SLUG_LENGTH) break;
    }
  }
  return out;
}

/** Whether a path segment could be a slug at all (anything else is a 404 without a lookup). */
export function isSlugShape(value: string): boolean {
  return /^[A-Za-z0-9]{10}$/.test(value);
}

export function newLinkId(): string {
  return `lnk_${randomBytes(8).toString('hex')}`;
}
