// Images and files for WeCom mass messages. add_msg_template takes attachments by media_id only,
// so the sheet's image or file (a web address) is downloaded, uploaded as a temporary material
// (media/upload), and its media_id kept for reuse: WeCom keeps a temporary material three days
// ("该media_id仅三天内有效"), so a cached id is used until an hour before that.
// Limits (上传临时素材): images JPG or PNG up to 10 MB, files up to 20 MB, every file over 5 bytes.

import { extname } from 'node:path';
import type { Db } from '../../store/db.ts';
import { ChannelError } from '../port.ts';
import type { WecomApi } from './api.ts';

export type MediaType = 'image' | 'file';

export const MEDIA_LIFETIME_MS = 3 * 24 * 3600 * 1000;
const SAFETY_MS = 3600 * 1000;
const MAX_BYTES: Record<MediaType, number> = { image: 10 * 1024 * 1024, file: 20 * 1024 * 1024 };
const MIN_BYTES = 6;
const DOWNLOAD_TIMEOUT_MS = 30_000;

/** Where media ids are kept between sends (the database in production, memory in tests). */
export interface MediaCache {
  get(source: string, type: MediaType, now: number): Promise<string | undefined>;
  put(source: string, type: MediaType, mediaId: string, expiresAt: number): Promise<void>;
  drop(source: string, type: MediaType): Promise<void>;
}

export function memoryMediaCache(): MediaCache {
  const m = new Map<string, { id: string; expiresAt: number }>();
  return {
    async get(source, type, now) {
      const hit = m.get(`${type} ${source}`);
      return hit && hit.expiresAt > now ? hit.id : undefined;
    },
    async put(source, type, id, expiresAt) {
      m.set(`${type} ${source}`, { id, expiresAt });
    },
    async drop(source, type) {
      m.delete(`${type} ${source}`);
    },
  };
}

/** The wecom_media table: shared by every process that sends for the channel. */
export function dbMediaCache(db: Db, channelId: string): MediaCache {
  return {
    async get(source, type, now) {
      const row = await db
        .selectFrom('wecom_media')
        .select('media_id')
        .where('channel_id', '=', channelId)
        .where('source', '=', source)
        .where('media_type', '=', type)
        .where('expires_at', '>', new Date(now))
        .executeTakeFirst();
      return row?.media_id;
    },
    async put(source, type, mediaId, expiresAt) {
      await db
        .insertInto('wecom_media')
        .values({ channel_id: channelId, source, media_type: type, media_id: mediaId, expires_at: new Date(expiresAt) })
        .onConflict((oc) => oc.columns(['channel_id', 'source', 'media_type']).doUpdateSet({ media_id: mediaId, expires_at: new Date(expiresAt) }))
        .execute();
    },
    async drop(source, type) {
      await db.deleteFrom('wecom_media').where('channel_id', '=', channelId).where('source', '=', source).where('media_type', '=', type).execute();
    },
  };
}

function what(type: MediaType): string {
  return type === 'image' ? 'image' : 'file';
}

/** Downloads the image or file a sheet points at, within WeCom's limits. */
export async function download(source: string, type: MediaType): Promise<{ bytes: Uint8Array; filename: string; contentType: string }> {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new ChannelError('permanent', `The ${what(type)} "${source}" is not a web address: give an http(s) link to it in the sheet.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChannelError('permanent', `The ${what(type)} "${source}" is not an http(s) link: give a web address in the sheet.`);
  }
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (err) {
    throw new ChannelError('transient', `Chorus could not download the ${what(type)} ${source} (${(err as Error).message}); it tries again later.`, { cause: err });
  }
  if (res.status >= 500) throw new ChannelError('transient', `The server of the ${what(type)} ${source} answered HTTP ${res.status}; Chorus tries again later.`);
  if (res.status !== 200) throw new ChannelError('permanent', `The ${what(type)} ${source} could not be downloaded (HTTP ${res.status}): check the link in the sheet.`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_BYTES[type]) throw tooBig(type, source);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length > MAX_BYTES[type]) throw tooBig(type, source);
  if (bytes.length < MIN_BYTES) throw new ChannelError('permanent', `The ${what(type)} ${source} is empty or almost (WeCom needs more than 5 bytes).`);
  const contentType = res.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
  if (type === 'image' && !isJpegOrPng(bytes)) {
    throw new ChannelError('permanent', `The image ${source} is not a JPG or PNG, the only kinds WeCom's API accepts: post it by hand in the WeCom client.`, {
      forPerson: true,
    });
  }
  return { bytes, filename: fileName(url, type, contentType), contentType };
}

function tooBig(type: MediaType, source: string): ChannelError {
  return new ChannelError('permanent', `The ${what(type)} ${source} is larger than WeCom's API takes (${MAX_BYTES[type] / 1024 / 1024} MB): post it by hand in the WeCom client.`, {
    forPerson: true,
  });
}

function isJpegOrPng(b: Uint8Array): boolean {
  const jpeg = b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
  const png = b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
  return jpeg || png;
}

// The file name shows in the chat for a file ("filename标识文件展示的名称").
function fileName(url: URL, type: MediaType, contentType: string): string {
  const last = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (last && extname(last)) return last;
  if (type === 'image') return contentType === 'image/png' ? 'image.png' : 'image.jpg';
  return last || 'file';
}

/** The media_id for a source: from the cache while it is fresh, else downloaded and uploaded. */
export async function mediaIdFor(
  api: WecomApi,
  cache: MediaCache,
  source: string,
  type: MediaType,
  now: () => number,
): Promise<string> {
  const cached = await cache.get(source, type, now());
  if (cached) return cached;
  const file = await download(source, type);
  const r = await api.upload<{ media_id?: string; created_at?: string | number }>(type, file);
  if (!r.media_id) throw new ChannelError('transient', 'WeCom media/upload answered without a media_id; Chorus tries again later.');
  const created = Number(r.created_at) > 0 ? Number(r.created_at) * 1000 : now();
  await cache.put(source, type, r.media_id, created + MEDIA_LIFETIME_MS - SAFETY_MS);
  return r.media_id;
}
