// A campaign's own background image, checked before anything decodes it (pure): PNG or JPEG by
// their signatures, at most 5 MB, at most 4000 pixels a side — the sides read from the file's
// header, so a small file that would decode into a huge bitmap (a "decompression bomb") is
// refused without being decoded.

import { msg } from '../../i18n/index.ts';
import { formatBytes, formatOver } from '../../sop/limits.ts';
import { PosterError } from './errors.ts';

export const MAX_BACKGROUND_BYTES = 5 * 1024 * 1024;
export const MAX_BACKGROUND_SIDE = 4000;

export interface ImageHeader {
  type: 'png' | 'jpeg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The type and sides of a PNG or JPEG from its first bytes; undefined for anything else. */
export function readImageHeader(buf: Uint8Array): ImageHeader | undefined {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length >= 24 && b.subarray(0, 8).equals(PNG_SIGNATURE) && b.toString('latin1', 12, 16) === 'IHDR') {
    return { type: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpegSides(b);
  return undefined;
}

// JPEG: walk the marker segments to the first start-of-frame (SOF0…SOF15 but DHT, JPG and DAC),
// whose payload holds the height then the width.
function jpegSides(b: Buffer): ImageHeader | undefined {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image or scan data before any frame
    const length = b.readUInt16BE(i + 2);
    if (length < 2) return undefined;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 9 > b.length) return undefined;
      return { type: 'jpeg', height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return undefined;
}

/** The header of an acceptable background; a PosterError naming what is wrong otherwise. */
export function checkBackground(buf: Uint8Array): ImageHeader {
  if (buf.byteLength > MAX_BACKGROUND_BYTES) {
    throw new PosterError(
      'background_too_large',
      'background',
      msg('posters.background.tooLarge', { size: formatOver(buf.byteLength, MAX_BACKGROUND_BYTES), max: formatBytes(MAX_BACKGROUND_BYTES) }),
    );
  }
  const header = readImageHeader(buf);
  if (!header || header.width < 1 || header.height < 1) throw new PosterError('invalid_background', 'background', msg('posters.background.format'));
  if (header.width > MAX_BACKGROUND_SIDE || header.height > MAX_BACKGROUND_SIDE) {
    throw new PosterError(
      'invalid_background',
      'background',
      msg('posters.background.tooWide', { width: header.width, height: header.height, max: MAX_BACKGROUND_SIDE }),
    );
  }
  return header;
}

const DATA_URL = /^data:image\/(?:png|jpe?g);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The image bytes of a base64 text or a PNG/JPEG data: URL (as a browser's FileReader gives it). */
export function decodeBackground(text: string): Uint8Array {
  const b64 = text.replace(DATA_URL, '').replace(/\s+/g, '');
  if (!b64 || b64.length % 4 === 1 || !BASE64.test(b64)) throw new PosterError('invalid_background', 'background', msg('posters.background.base64'));
  return Buffer.from(b64, 'base64');
}
