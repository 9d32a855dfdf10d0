// Live codes, the decisions (pure): the cap each platform allows by default, how a scan is shown
// (a redirect into the group, or a page with the group's QR code), when a group's link can still
// be served, and when its QR is due for renewal. docs/growth-livecodes.md.

import type { ChannelKind } from '../channels/port.ts';

const DAY = 86_400_000;

/**
 * The default cap per platform. WeChat: a group QR code stops admitting anyone once the group has
 * 200 members (beyond that only invitations work). WeCom customer groups: the join QR code admits
 * up to 500. Telegram: an invite link has no limit (a group holds up to 200,000), so none.
 */
export function defaultCap(kind: ChannelKind | string): number | null {
  switch (kind) {
    case 'wechaty':
      return 200;
    case 'wecom':
      return 500;
    default:
      return null;
  }
}

/**
 * How a visitor is sent into a group. Telegram (and the sandbox, and a manual channel with a web
 * link): a redirect to the invite link. WeChat and WeCom cannot be entered from a browser: a page
 * with the QR code to long-press or scan — WeCom's join way gives an image address (`qr_image`),
 * Wechaty's room.qrCode() the text inside the QR (`qr_text`, drawn by Chorus).
 */
export type Entry = { kind: 'redirect'; url: string } | { kind: 'qr_image'; url: string } | { kind: 'qr_text'; value: string };

export function entryFor(channelKind: ChannelKind | string, link: string): Entry {
  if (channelKind === 'wecom') return { kind: 'qr_image', url: link };
  if (channelKind === 'wechaty') return { kind: 'qr_text', value: link };
  return /^https?:\/\//i.test(link) ? { kind: 'redirect', url: link } : { kind: 'qr_text', value: link };
}

/** A link can be served while it exists and has more than a minute left. */
export function linkUsable(link: string | null, expiresAt: Date | null, now: Date): link is string {
  return !!link && (!expiresAt || expiresAt.getTime() - now.getTime() > 60_000);
}

/** The seats a group brings: what its cap leaves beside the members it has now; null = no cap. */
export function seatsFor(cap: number | null, members: number | null): number | null {
  return cap === null ? null : Math.max(0, cap - (members ?? 0));
}

/** Full: every seat was given out, or the group reached its cap by itself. */
export function isFull(slot: { cap: number | null; seats: number | null; routed: number }, members: number | null): boolean {
  if (slot.cap === null) return false;
  return slot.routed >= (slot.seats ?? 0) || (members ?? 0) >= slot.cap;
}

/** A QR code that expires (WeChat: 7 days) is renewed, or its owner reminded, a day before. */
export function renewalDue(expiresAt: Date | null, now: Date): boolean {
  return !!expiresAt && expiresAt.getTime() - now.getTime() <= DAY;
}

/** Asks the connector again for a link at most every 10 minutes, however many people scan. */
export function mayAskForLink(askedAt: Date | null, now: Date): boolean {
  return !askedAt || now.getTime() - askedAt.getTime() >= 10 * 60_000;
}

/** A cap typed by a person: a whole number from 1 to 100,000; undefined when not given. */
export function readCap(value: unknown): number | undefined | Error {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < 1 || n > 100_000) return new Error('cap');
  return n;
}

/**
 * A creation the platform made and Chorus has not adopted yet: a bot `create_group` row that was
 * sent (WeCom's join way waits for a scan to create the group; Wechaty's room exists already).
 */
export function isPendingCreation(row: { state: string; mode: string; action: string }): boolean {
  return row.action === 'create_group' && row.mode === 'bot' && row.state === 'sent';
}

/** A WeCom join way holds at most 5 groups ("chat_id_list … 支持5个"): the newest 5 of the live code's. */
export const JOIN_WAY_GROUPS = 5;
export function joinWaySet(chatIds: readonly string[]): string[] {
  return chatIds.slice(-JOIN_WAY_GROUPS);
}

/** The name WeCom gives the groups it creates starts with this ("room_base_name … 最长40个utf8字符"). */
export function roomBaseName(livecodeName: string): string {
  return [...livecodeName.trim()].slice(0, 40).join('');
}

/**
 * A WeCom join way admits into its groups up to WeCom's own limit, whatever Chorus's cap: it may
 * auto-create only over groups whose cap is WeCom's (or none), else a lower cap would be passed.
 */
export function wecomMayAutoCreate(caps: readonly (number | null)[]): boolean {
  const limit = defaultCap('wecom') ?? 0;
  return caps.every((c) => c === null || c >= limit);
}

/** The join way's state: the live code's id (15 characters; WeCom allows 30), so joins name it. */
export const liveCodeState = (livecodeId: string) => livecodeId;
/** Whether a join's state is a live code's (its id: lc_ and 12 hex digits, livecodes.ts). */
export const isLiveCodeState = (state: string) => /^lc_[0-9a-f]{12}$/.test(state);

/** Does a WeCom group name look like one the join way created: the base name, then its number? */
export function isCreatedName(name: string, base: string): boolean {
  return name.startsWith(base) && /^\d+$/.test(name.slice(base.length));
}
