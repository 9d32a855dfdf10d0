// Outbound actions on a logged-in Wechaty bot. Each action looks its room and contacts up first
// (a failure there is never ambiguous: nothing was sent yet), then makes exactly one puppet call.

import { FileBox, type FileBoxInterface } from 'file-box';
import type { Wechaty } from 'wechaty';
import type { Contact, Room } from 'wechaty';
import { ChannelError, type OutboundAction, type PerformResult } from '../port.ts';
import { toChannelError } from './errors.ts';

/** WeChat group QR codes stop working after 7 days (WeChat's own rule, shown under the code). */
const ROOM_QR_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export interface PerformContext {
  bot: Wechaty;
  secrets: string[];
}

async function guarded<T>(ctx: PerformContext, doing: string, sendType: boolean, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toChannelError(err, { doing, sendType, secrets: ctx.secrets });
  }
}

function label(room: Room): string {
  const topic = room.payload?.topic;
  return topic ? `group "${topic}" (${room.id})` : `group ${room.id}`;
}

// The payload is read from the puppet first because Room.find / Contact.find turn every failure
// (network included) into `undefined`; the puppet's own error tells "not found" from "unreachable".
export async function findRoom(ctx: PerformContext, chatId: string): Promise<Room> {
  const doing = `looking up group ${chatId}`;
  await guarded(ctx, doing, false, () => ctx.bot.puppet.roomPayload(chatId));
  const room = await guarded(ctx, doing, false, () => ctx.bot.Room.find({ id: chatId }));
  if (!room) throw new ChannelError('permanent', `The group ${chatId} was not found for this WeChat account (WeChat connector).`);
  return room;
}

async function findContact(ctx: PerformContext, userId: string): Promise<Contact> {
  const doing = `looking up WeChat contact ${userId}`;
  await guarded(ctx, doing, false, () => ctx.bot.puppet.contactPayload(userId));
  const contact = await guarded(ctx, doing, false, () => ctx.bot.Contact.find({ id: userId }));
  if (!contact) throw new ChannelError('permanent', `The person ${userId} was not found among this WeChat account's contacts (WeChat connector).`);
  return contact;
}

function done(messageId?: string, data?: Record<string, unknown>): PerformResult {
  return { status: 'done', at: new Date(), ...(messageId ? { messageId } : {}), ...(data ? { data } : {}) };
}

/** A sheet's image or file (a web address) as Wechaty sends it; the puppet downloads it. */
function fileBoxOf(source: string): FileBoxInterface {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new ChannelError('permanent', `"${source}" is not a web address: give an http(s) link to the image or file in the sheet.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChannelError('permanent', `"${source}" is not an http(s) link: give a web address for the image or file in the sheet.`);
  }
  const name = decodeURIComponent(url.pathname.split('/').pop() || 'file');
  return FileBox.fromUrl(url.toString(), { name });
}

/** The text of a post: the link goes on its own line, so WeChat shows it as a tappable link. */
export function postText(text: string, link?: string): string {
  if (!link || text.includes(link)) return text;
  return `${text}\n${link}`;
}

export async function performOnWechaty(ctx: PerformContext, action: OutboundAction): Promise<PerformResult> {
  switch (action.type) {
    case 'post': {
      const room = await findRoom(ctx, action.chatId);
      const files = [action.image, action.file].filter((f): f is string => Boolean(f)).map((f) => fileBoxOf(f));
      const text = postText(action.text, action.link);
      // WeChat sends a text and a picture as two messages: the text first, then each file.
      // WeChat has no reply a bot can send: an answer @-mentions the person asked (when still found).
      const asker = action.replyTo?.userId ? await findContact(ctx, action.replyTo.userId).catch(() => undefined) : undefined;
      const sent = text.trim() ? await guarded(ctx, `posting in ${label(room)}`, true, () => (asker ? room.say(text, asker) : room.say(text))) : undefined;
      const fileIds: string[] = [];
      for (const box of files) {
        try {
          const m = await room.say(box);
          if (m) fileIds.push(m.id);
        } catch (err) {
          const e = toChannelError(err, { doing: `sending ${box.name} in ${label(room)}`, sendType: true, secrets: ctx.secrets });
          // Part of the post is in the group already: never resent automatically.
          if (sent || fileIds.length) {
            throw new ChannelError('ambiguous', `The text went out but ${box.name} did not (${e.message}): send the rest by hand.`, { cause: err });
          }
          throw e;
        }
      }
      return done(sent?.id ?? fileIds[0], fileIds.length ? { fileMessageIds: fileIds } : undefined);
    }
    case 'direct_message': {
      const contact = await findContact(ctx, action.userId);
      const sent = await guarded(ctx, `sending a private message to ${contact.name() || contact.id}`, true, () =>
        contact.say(action.text),
      );
      return done(sent ? sent.id : undefined);
    }
    case 'rename': {
      const room = await findRoom(ctx, action.chatId);
      // Not room.topic(name): Wechaty's Room.topic() catches and only logs a failed rename
      // (wechaty 1.20 src/user-modules/room.ts), so a refused rename would look done.
      await guarded(ctx, `renaming ${label(room)}`, false, () => ctx.bot.puppet.roomTopic(room.id, action.name));
      return done();
    }
    case 'announce': {
      const room = await findRoom(ctx, action.chatId);
      await guarded(ctx, `setting the group notice of ${label(room)}`, true, () => room.announce(action.text));
      return done();
    }
    case 'add_member': {
      const room = await findRoom(ctx, action.chatId);
      const contact = await findContact(ctx, action.userId);
      await guarded(ctx, `adding ${contact.name() || contact.id} to ${label(room)}`, false, () => room.add(contact));
      return done();
    }
    case 'remove_member': {
      const room = await findRoom(ctx, action.chatId);
      const contact = await findContact(ctx, action.userId);
      await guarded(ctx, `removing ${contact.name() || contact.id} from ${label(room)}`, false, () => room.remove(contact));
      // WeChat groups have no ban list: keeping a removed person out is Chorus's blacklist's job.
      return done(undefined, action.ban ? { banned: false } : undefined);
    }
    case 'create_group': {
      const ids = action.memberIds ?? [];
      // WeChat itself refuses a group of fewer than three people (the account and two others).
      if (ids.length < 2) {
        throw new ChannelError('permanent', `WeChat needs at least two other members to create the group "${action.name}".`);
      }
      const contacts: Contact[] = [];
      for (const id of ids) contacts.push(await findContact(ctx, id));
      const room = await guarded(ctx, `creating the group "${action.name}"`, true, () => ctx.bot.Room.create(contacts, action.name));
      return done(undefined, { chatId: room.id });
    }
    case 'create_invite_link': {
      if (action.memberLimit !== undefined || action.joinRequest) {
        throw new ChannelError(
          'permanent',
          'WeChat group QR codes cannot limit the number of joiners or ask for approval: share the group by hand if that is needed.',
        );
      }
      const room = await findRoom(ctx, action.chatId);
      const value = await guarded(ctx, `getting the join QR code of ${label(room)}`, false, () => room.qrCode());
      return done(undefined, { inviteLink: value, expiresAt: new Date(Date.now() + ROOM_QR_LIFETIME_MS) });
    }
    default:
      throw new ChannelError('permanent', `WeChat offers no way to do "${action.type}" through a bot: it becomes a task for a person.`);
  }
}
