// A WeChat stand-in for the Wechaty connector's tests: wechaty-puppet-mock's PuppetMock, with the
// room operations that PuppetMock leaves as no-ops (topic, announce, add, remove, create, QR code)
// applied to the mocker's rooms the way WeChat applies them — including the room-topic,
// room-join (also for a room the account created) and room-leave events WeChat sends back to the
// account that made the change — plus a
// record of everything sent and failure injection. Serve it over the puppet-service gRPC protocol
// with wechaty-service.ts to use it from another process.

import { randomUUID } from 'node:crypto';
import type { FileBoxInterface } from 'file-box';
import { types } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';

type ContactMock = mock.ContactMock;
type RoomMock = mock.RoomMock;

export type MockOperation = 'say' | 'file' | 'topic' | 'announce' | 'add' | 'remove' | 'create' | 'qrcode';
/** Failures shaped as the puppet-service client raises them (a gRPC status code and message). */
export type MockFailure = 'unavailable' | 'timeout' | 'logged_out' | 'rate_limited' | 'permission';

const FAILURES: Record<MockFailure, { code: number; message: string }> = {
  unavailable: { code: 14, message: '14 UNAVAILABLE: No connection established' },
  timeout: { code: 4, message: '4 DEADLINE_EXCEEDED: Deadline exceeded' },
  logged_out: { code: 16, message: '16 UNAUTHENTICATED: not logged in' },
  rate_limited: { code: 8, message: '8 RESOURCE_EXHAUSTED: operate too frequently' },
  permission: { code: 7, message: '7 PERMISSION_DENIED: only the room owner can do this' },
};

export interface SentRecord {
  kind: 'text' | 'announce' | 'file';
  conversationId: string;
  /** The text, or for a file its name. */
  text: string;
  /** For a file: its size in bytes, as the puppet downloaded it. */
  bytes?: number;
  messageId?: string;
  at: number;
}

export class RecordingPuppetMock extends PuppetMock {
  readonly sent: SentRecord[] = [];
  readonly announcements = new Map<string, string>();
  /** Every room the account created (Room.create), with whom and under which name. */
  readonly created: { roomId: string; contactIdList: string[]; topic: string }[] = [];
  private readonly failures = new Map<MockOperation, MockFailure[]>();

  /** Makes the next `count` calls of `op` fail with `failure`. */
  failNext(op: MockOperation, failure: MockFailure, count = 1): void {
    const list = this.failures.get(op) ?? [];
    for (let i = 0; i < count; i++) list.push(failure);
    this.failures.set(op, list);
  }

  private maybeFail(op: MockOperation): void {
    const failure = this.failures.get(op)?.shift();
    if (!failure) return;
    const f = FAILURES[failure];
    throw Object.assign(new Error(f.message), { code: f.code });
  }

  private room(roomId: string) {
    // Throws "no payload found for id …" for an unknown room, as PuppetMock does.
    return this.mocker.roomPayload(roomId);
  }

  // PuppetMock declares `void`; the Puppet interface lets a puppet return the new message's id,
  // which Wechaty turns into the Message that room.say() resolves to.
  override messageSendText(conversationId: string, text: string): Promise<void>;
  // biome-ignore lint/suspicious/noConfusingVoidType: must match PuppetMock's void overloads
  override async messageSendText(conversationId: string, text: string, mentionIdList?: string[]): Promise<string | void> {
    this.maybeFail('say');
    if (!this.isLoggedIn) throw new Error('not logged in');
    const isRoom = conversationId.endsWith('@chatroom');
    if (isRoom) this.room(conversationId);
    else this.mocker.contactPayload(conversationId);
    const id = randomUUID();
    this.mocker.MessageMock.create({
      id,
      talkerId: this.currentUserId,
      timestamp: Date.now(),
      type: types.Message.Text,
      text,
      ...(isRoom ? { roomId: conversationId, mentionIdList: mentionIdList ?? [] } : { listenerId: conversationId }),
    });
    this.sent.push({ kind: 'text', conversationId, text, messageId: id, at: Date.now() });
    // WeChat echoes the account's own messages to it, as it does for every message.
    this.emit('message', { messageId: id });
    return id;
  }

  // A picture or file: the puppet fetches the FileBox (a URL one downloads it) and sends it.
  override async messageSendFile(conversationId: string, file: FileBoxInterface): Promise<void>;
  // biome-ignore lint/suspicious/noConfusingVoidType: must match PuppetMock's void overloads
  override async messageSendFile(conversationId: string, file: FileBoxInterface): Promise<string | void> {
    this.maybeFail('file');
    if (!this.isLoggedIn) throw new Error('not logged in');
    if (conversationId.endsWith('@chatroom')) this.room(conversationId);
    else this.mocker.contactPayload(conversationId);
    const bytes = await file.toBuffer();
    const id = randomUUID();
    const image = /\.(png|jpe?g|gif)$/i.test(file.name);
    this.mocker.MessageMock.create({
      id,
      talkerId: this.currentUserId,
      timestamp: Date.now(),
      type: image ? types.Message.Image : types.Message.Attachment,
      text: file.name,
      ...(conversationId.endsWith('@chatroom') ? { roomId: conversationId, mentionIdList: [] } : { listenerId: conversationId }),
    });
    this.sent.push({ kind: 'file', conversationId, text: file.name, bytes: bytes.length, messageId: id, at: Date.now() });
    this.emit('message', { messageId: id });
    return id;
  }

  override roomTopic(roomId: string): Promise<string>;
  override roomTopic(roomId: string, topic: string): Promise<void>;
  // biome-ignore lint/suspicious/noConfusingVoidType: must match PuppetMock's void overloads
  override async roomTopic(roomId: string, topic?: string): Promise<string | void> {
    const payload = this.room(roomId);
    if (topic === undefined) return payload.topic;
    this.maybeFail('topic');
    const oldTopic = payload.topic;
    payload.topic = topic;
    await this.roomPayloadDirty(roomId);
    this.emit('room-topic', { roomId, newTopic: topic, oldTopic, changerId: this.currentUserId, timestamp: Date.now() });
  }

  override roomAnnounce(roomId: string): Promise<string>;
  override roomAnnounce(roomId: string, text: string): Promise<void>;
  // biome-ignore lint/suspicious/noConfusingVoidType: must match PuppetMock's void overloads
  override async roomAnnounce(roomId: string, text?: string): Promise<string | void> {
    this.room(roomId);
    if (text === undefined) return this.announcements.get(roomId) ?? '';
    this.maybeFail('announce');
    this.announcements.set(roomId, text);
    this.sent.push({ kind: 'announce', conversationId: roomId, text, at: Date.now() });
  }

  override async roomAdd(roomId: string, contactId: string): Promise<void> {
    const payload = this.room(roomId);
    this.mocker.contactPayload(contactId);
    this.maybeFail('add');
    if (!payload.memberIdList.includes(contactId)) payload.memberIdList.push(contactId);
    await this.roomPayloadDirty(roomId);
    await this.roomMemberPayloadDirty(roomId);
    this.emit('room-join', { roomId, inviteeIdList: [contactId], inviterId: this.currentUserId, timestamp: Date.now() });
  }

  override async roomDel(roomId: string, contactId: string): Promise<void> {
    const payload = this.room(roomId);
    this.maybeFail('remove');
    const i = payload.memberIdList.indexOf(contactId);
    if (i < 0) throw new Error(`${contactId} not found in room ${roomId}`);
    payload.memberIdList.splice(i, 1);
    await this.roomPayloadDirty(roomId);
    await this.roomMemberPayloadDirty(roomId);
    this.emit('room-leave', { roomId, removeeIdList: [contactId], removerId: this.currentUserId, timestamp: Date.now() });
  }

  override async roomCreate(contactIdList: string[], topic?: string): Promise<string> {
    this.maybeFail('create');
    for (const id of contactIdList) this.mocker.contactPayload(id);
    const room = this.mocker.createRoom({
      id: `${randomUUID()}@chatroom`,
      topic: topic ?? '',
      memberIdList: [this.currentUserId, ...contactIdList],
      adminIdList: [],
      ownerId: this.currentUserId,
    });
    this.created.push({ roomId: room.id, contactIdList: [...contactIdList], topic: topic ?? '' });
    // WeChat tells the creator "你邀请"…"加入了群聊": Wechaty reads it as a room-join by the account.
    this.emit('room-join', { roomId: room.id, inviteeIdList: [...contactIdList], inviterId: this.currentUserId, timestamp: Date.now() });
    return room.id;
  }

  override async roomQRCode(roomId: string): Promise<string> {
    this.room(roomId);
    this.maybeFail('qrcode');
    return `https://weixin.qq.com/g/${Buffer.from(roomId).toString('base64url').slice(0, 24)}`;
  }
}

export interface MockWeChat {
  mocker: mock.Mocker;
  puppet: RecordingPuppetMock;
  /** The logged-in account. */
  me: ContactMock;
  /** Members of `room` besides the account. */
  alice: ContactMock;
  bob: ContactMock;
  /** A contact who is not in the room yet. */
  carol: ContactMock;
  room: RoomMock;
  /** Shows a login QR code, as a puppet does before the phone scans it. */
  showLoginQr(value?: string): void;
  login(): void;
  contact(id: string): ContactMock;
  sentTexts(roomId: string): string[];
  title(roomId: string): string | undefined;
  isMember(roomId: string, contactId: string): boolean;
}

/** A WeChat account with one group "Camp 1" (the account, Alice, Bob) and a friend Carol outside it. */
export function createMockWeChat(): MockWeChat {
  const mocker = new mock.Mocker();
  const puppet = new RecordingPuppetMock({ mocker });
  const me = mocker.createContact({ name: 'Chorus Bot' });
  const alice = mocker.createContact({ name: 'Alice' });
  const bob = mocker.createContact({ name: 'Bob' });
  const carol = mocker.createContact({ name: 'Carol' });
  const room = mocker.createRoom({ topic: 'Camp 1', memberIdList: [me.id, alice.id, bob.id], adminIdList: [], ownerId: me.id });
  const world: MockWeChat = {
    mocker,
    puppet,
    me,
    alice,
    bob,
    carol,
    room,
    showLoginQr: (value = 'https://login.weixin.qq.com/l/mock-login') => mocker.scan(value, types.ScanStatus.Waiting),
    login: () => mocker.login(me),
    contact: (id) => mocker.ContactMock.load(id),
    sentTexts: (roomId) => puppet.sent.filter((s) => s.conversationId === roomId).map((s) => s.text),
    title: (roomId) => mocker.cacheRoomPayload.get(roomId)?.topic,
    isMember: (roomId, contactId) => mocker.cacheRoomPayload.get(roomId)?.memberIdList.includes(contactId) ?? false,
  };
  return world;
}
