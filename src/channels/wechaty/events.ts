// Wires a Wechaty bot's room events to Chorus ingest: reads the Wechaty objects into the plain
// shapes of normalize.ts, normalizes, and hands the events over in the order they were read.

import { types, type Wechaty } from 'wechaty';
import type { Contact, Message, Room } from 'wechaty';
import type { InboundEvent } from '../port.ts';
import { normalizeWechatyEvent, type WechatyEvent, type WechatyPerson, type WechatyRoomInfo } from './normalize.ts';

export interface EventSink {
  /** False until start(ingest): events before that are dropped (the room stays "unseen"). */
  accepting(): boolean;
  /** Called with each batch of normalized events, one batch at a time. */
  deliver(events: InboundEvent[]): Promise<void>;
  /** Reports a failure while reading or delivering an event (never thrown into Wechaty). */
  fail(err: unknown, what: string): void;
}

export function person(c: Contact): WechatyPerson {
  const name = c.name();
  return { id: c.id, ...(name ? { name } : {}), ...(c.self() ? { self: true } : {}) };
}

export function roomInfo(room: Room): WechatyRoomInfo {
  // The payload is already loaded when Wechaty emits a room event (it calls room.sync() first);
  // reading it avoids one puppet call per member that memberAll() would make.
  const p = room.payload;
  return { id: room.id, ...(p?.topic ? { topic: p.topic } : {}), ...(p ? { memberCount: p.memberIdList.length } : {}) };
}

// Recalled notices and unknown system lines carry no member activity worth recording.
const SKIPPED_TYPES = new Set<number>([types.Message.Recalled, types.Message.Unknown]);

async function readMessage(msg: Message): Promise<WechatyEvent | undefined> {
  const room = msg.room();
  if (!room || SKIPPED_TYPES.has(msg.type())) return undefined;
  let text = msg.type() === types.Message.Text ? msg.text() : '';
  let cardUrl: string | undefined;
  if (msg.type() === types.Message.Url) {
    const card = await msg.toUrlLink();
    cardUrl = card.url();
    text = card.title();
  }
  const mentioned = await msg.mentionList();
  return {
    kind: 'message',
    room: roomInfo(room),
    messageId: msg.id,
    talker: person(msg.talker()),
    text,
    ...(cardUrl ? { cardUrl } : {}),
    // A picture (a campaign's poster screenshot): its text is empty, the flag says what it was.
    ...(msg.type() === types.Message.Image ? { image: true } : {}),
    mentionIds: mentioned.map((c) => c.id),
    at: msg.date(),
  };
}

/** Subscribes to the bot's room events; returns a function that unsubscribes. */
export function wireRoomEvents(bot: Wechaty, sink: EventSink): () => void {
  const seen = new Set<string>();
  // One chain so that ingest sees events in the order they were read (group_seen first).
  let chain: Promise<void> = Promise.resolve();

  const handle = (what: string, read: () => Promise<WechatyEvent | undefined>) => {
    chain = chain.then(async () => {
      try {
        if (!sink.accepting()) return;
        const event = await read();
        if (!event?.room) return;
        const first = !seen.has(event.room.id);
        seen.add(event.room.id);
        const normalized = normalizeWechatyEvent(event, first);
        if (normalized.length > 0) await sink.deliver(normalized);
      } catch (err) {
        sink.fail(err, what);
      }
    });
  };

  const onJoin = (room: Room, invitees: Contact[], inviter?: Contact, date?: Date) =>
    handle('a member joining a group', async () => ({
      kind: 'room-join',
      room: roomInfo(room),
      invitees: invitees.map(person),
      ...(inviter ? { inviter: person(inviter) } : {}),
      at: date ?? new Date(),
    }));
  const onLeave = (room: Room, leavers: Contact[], remover?: Contact, date?: Date) =>
    handle('a member leaving a group', async () => ({
      kind: 'room-leave',
      room: roomInfo(room),
      leavers: leavers.map(person),
      ...(remover ? { remover: person(remover) } : {}),
      at: date ?? new Date(),
    }));
  const onTopic = (room: Room, newTopic: string, _old: string, changer?: Contact, date?: Date) =>
    handle('a group being renamed', async () => ({
      kind: 'room-topic',
      room: { ...roomInfo(room), topic: newTopic },
      newTopic,
      ...(changer ? { changer: person(changer) } : {}),
      at: date ?? new Date(),
    }));
  const onMessage = (msg: Message) => handle('a group message', () => readMessage(msg));

  bot.on('room-join', onJoin);
  bot.on('room-leave', onLeave);
  bot.on('room-topic', onTopic);
  bot.on('message', onMessage);
  return () => {
    bot.off('room-join', onJoin);
    bot.off('room-leave', onLeave);
    bot.off('room-topic', onTopic);
    bot.off('message', onMessage);
  };
}
