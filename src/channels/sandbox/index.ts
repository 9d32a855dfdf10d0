// The sandbox channel: groups and members live in Chorus's own database and what the "platform"
// receives is written to `sandbox_messages`. For demos and for trying a sheet safely; every action
// succeeds at once, so it is never the only path a feature is tested on.

import { randomBytes } from 'node:crypto';
import type { Db } from '../../store/db.ts';
import { type CapabilityMatrix, ChannelError, type Connector, type OutboundAction } from '../port.ts';

export const SANDBOX_CAPABILITIES: CapabilityMatrix = {
  post: 'auto',
  direct_message: 'auto',
  rename: 'auto',
  announce: 'auto',
  set_description: 'auto',
  welcome: 'auto',
  create_invite_link: 'auto',
  approve_join: 'auto',
  decline_join: 'auto',
  remove_member: 'auto',
  unban_member: 'auto',
  add_member: 'auto',
  create_group: 'auto',
  disband: 'auto',
  revoke_invite_link: 'auto',
  delete_message: 'auto',
  restrict_member: 'auto',
  unrestrict_member: 'auto',
};

export function createSandboxConnector(db: Db, channelId: string): Connector {
  const record = async (chatId: string, kind: string, text: string) => {
    const row = await db
      .insertInto('sandbox_messages')
      .values({ channel_id: channelId, chat_id: chatId, kind, text })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { status: 'done' as const, messageId: `sandbox-${row.id}`, at: new Date() };
  };
  return {
    kind: 'sandbox',
    capabilities: SANDBOX_CAPABILITIES,
    uploadsImages: true,
    async perform(action: OutboundAction) {
      switch (action.type) {
        case 'post':
          // The image and file links are kept with the text: nothing a post carries is dropped.
          // An answer (the question inbox) is kept as a `reply`; which message it answers is on the ledger row.
          return record(action.chatId, action.replyTo ? 'reply' : 'post', [action.text, action.link, action.image, action.file, action.imageData ? `[${action.imageData.name}, ${action.imageData.bytes.byteLength} bytes]` : ''].filter(Boolean).join('\n'));
        case 'direct_message':
          return record(action.chatId ?? `user:${action.userId}`, 'direct_message', action.text);
        case 'rename':
          return record(action.chatId, 'rename', action.name);
        case 'announce':
        case 'set_description':
        case 'welcome':
          return record(action.chatId, action.type, action.text);
        case 'create_invite_link': {
          const r = await record(action.chatId, 'create_invite_link', action.name ?? '');
          return { ...r, data: { inviteLink: `https://sandbox.chorus.local/join/${randomBytes(6).toString('hex')}` } };
        }
        case 'create_group': {
          const chatId = `sandbox-${randomBytes(6).toString('hex')}`;
          const r = await record(chatId, 'create_group', action.name);
          return { ...r, data: { chatId } };
        }
        case 'approve_join':
        case 'decline_join':
        case 'remove_member':
        case 'unban_member':
        case 'add_member':
          return record(action.chatId, action.type, action.userId);
        case 'disband':
          return record(action.chatId, 'disband', '');
        case 'revoke_invite_link':
          return record(action.chatId, 'revoke_invite_link', action.link);
        case 'delete_message':
          return record(action.chatId, 'delete_message', action.messageId);
        case 'restrict_member':
          return record(action.chatId, 'restrict_member', [action.userId, action.until?.toISOString()].filter(Boolean).join(' '));
        case 'unrestrict_member':
          return record(action.chatId, 'unrestrict_member', action.userId);
        default:
          throw new ChannelError('permanent', 'The sandbox does not know this action.');
      }
    },
    async verify() {
      return { ok: true, identity: 'sandbox' };
    },
    async listGroups() {
      const rows = await db.selectFrom('groups').select(['external_id', 'name', 'member_count']).where('channel_id', '=', channelId).execute();
      return rows.map((r) => ({ chatId: r.external_id, title: r.name, ...(r.member_count !== null ? { memberCount: r.member_count } : {}) }));
    },
  };
}
