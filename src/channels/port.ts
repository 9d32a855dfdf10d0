// The one contract every channel connector speaks. The dispatcher (src/dispatch) is the only
// caller of `perform`: ledger claim → pacing → connector → ledger record. No connector sends on
// its own. Inbound platform events are normalized to `InboundEvent` and handed to `ingest`.

export type ChannelKind = 'telegram' | 'wecom' | 'wechaty' | 'manual' | 'sandbox';

/** What a connector can be asked to do. Anything it cannot do becomes a human task. */
export type OutboundAction =
  /**
   * `replyTo`: the post answers a message in the group (the question inbox). Telegram quotes it
   * (`reply_parameters`); Wechaty has no reply, so the post @-mentions its author (`userId`);
   * WeCom's group messages have neither: a plain post. Sandbox and manual record it.
   */
  | { type: 'post'; chatId: string; text: string; link?: string; image?: string; file?: string; replyTo?: { messageId: string; userId?: string } }
  | { type: 'direct_message'; userId: string; text: string; chatId?: string }
  | { type: 'rename'; chatId: string; name: string }
  | { type: 'announce'; chatId: string; text: string }
  | { type: 'set_description'; chatId: string; text: string }
  | { type: 'welcome'; chatId: string; text: string }
  /** `state`: WeCom only — a join way whose `state` comes back with each join through it (at most 30 characters). */
  | { type: 'create_invite_link'; chatId: string; name?: string; expiresAt?: Date; memberLimit?: number; joinRequest?: boolean; state?: string }
  | { type: 'approve_join'; chatId: string; userId: string }
  | { type: 'decline_join'; chatId: string; userId: string }
  | { type: 'remove_member'; chatId: string; userId: string; ban?: boolean }
  | { type: 'unban_member'; chatId: string; userId: string }
  | { type: 'add_member'; chatId: string; userId: string }
  /**
   * `memberIds`: Wechaty — the contacts the bot creates the room with (WeChat wants two besides
   * the account). `fromChatIds`, `firstIndex`, `state`: WeCom — a customer group cannot be
   * created through the API, but a join way with `auto_create_room` over up to 5 (full) groups
   * makes WeCom create `name` + `firstIndex`, `name` + `firstIndex + 1`, … when people scan it;
   * its QR is the result's `inviteLink`, and each join through it carries `state`.
   */
  | { type: 'create_group'; name: string; memberIds?: string[]; fromChatIds?: string[]; firstIndex?: number; state?: string }
  | { type: 'disband'; chatId: string }
  /** Revokes an invite link Chorus created (Telegram `revokeChatInviteLink`): nobody joins through it any more. */
  /** `ref`: the platform's id of the link where withdrawing it needs one (a WeCom join way's config_id). */
  | { type: 'revoke_invite_link'; chatId: string; link: string; ref?: string }
  // Moderation (issue 10, docs/insight.md#moderation).
  /** Deletes a member's message (Telegram `deleteMessage`: the bot an admin, the message under 48 hours old). */
  | { type: 'delete_message'; chatId: string; messageId: string }
  /** Mutes a member (Telegram `restrictChatMember`, every send permission off) until `until`, or for good without it. */
  | { type: 'restrict_member'; chatId: string; userId: string; until?: Date }
  /** Lifts a mute: the member may send again (the group's default permissions). */
  | { type: 'unrestrict_member'; chatId: string; userId: string };

export type OutboundType = OutboundAction['type'];

/**
 * The capability matrix. `auto`: the connector does it. `confirm`: the platform makes a person
 * confirm each send (WeCom's `add_msg_template`): the ledger waits in `awaiting_confirmation`.
 * `none`: not possible through the platform's API — a human task.
 */
export type Capability = 'auto' | 'confirm' | 'none';
export type CapabilityMatrix = Record<OutboundType, Capability>;

export const NO_CAPABILITIES: CapabilityMatrix = {
  post: 'none',
  direct_message: 'none',
  rename: 'none',
  announce: 'none',
  set_description: 'none',
  welcome: 'none',
  create_invite_link: 'none',
  approve_join: 'none',
  decline_join: 'none',
  remove_member: 'none',
  unban_member: 'none',
  add_member: 'none',
  create_group: 'none',
  disband: 'none',
  revoke_invite_link: 'none',
  delete_message: 'none',
  restrict_member: 'none',
  unrestrict_member: 'none',
};

export type PerformResult =
  /** The platform accepted it. `messageId` when the platform gives one. */
  | { status: 'done'; messageId?: string; at: Date; data?: Record<string, unknown> }
  /** A person must confirm it in the platform's client; `externalId` tracks the confirmation. */
  | { status: 'awaiting_confirmation'; externalId: string; at: Date };

/**
 * Why a platform call failed. `transient`: try again later (network, 5xx, busy). `rate_limited`:
 * the platform said slow down, with how long to wait. `permanent`: it will never work as asked
 * (bot removed, chat not found) — fail the row with `message`, go on with other groups. `auth`:
 * the credentials are refused — the channel needs re-authorization. `ambiguous`: the request may
 * or may not have been accepted (a time-out after sending) — never retried automatically.
 */
export type ChannelErrorKind = 'transient' | 'rate_limited' | 'permanent' | 'auth' | 'ambiguous';

export class ChannelError extends Error {
  readonly kind: ChannelErrorKind;
  readonly retryAfterMs?: number;
  /** The platform's own code (Telegram error_code, WeCom errcode), for logs and tests. */
  readonly platformCode?: number | string;
  /**
   * `permanent` only: the platform's API cannot do this one (an image kind it refuses), but a
   * person can in the client — the row becomes a task for the group's leader instead of failing.
   */
  readonly forPerson: boolean;

  constructor(
    kind: ChannelErrorKind,
    message: string,
    opts: { retryAfterMs?: number; platformCode?: number | string; cause?: unknown; forPerson?: boolean } = {},
  ) {
    super(message, opts.cause ? { cause: opts.cause } : undefined);
    this.name = 'ChannelError';
    this.kind = kind;
    this.forPerson = kind === 'permanent' && opts.forPerson === true;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
    if (opts.platformCode !== undefined) this.platformCode = opts.platformCode;
  }
}

export interface MemberRef {
  /** The platform's id for the person (Telegram user id, WeCom external_userid / userid, Wechaty contact id). */
  externalId: string;
  name?: string;
  isBot?: boolean;
}

/** Inbound events, the same shape for every platform. `at` is when the platform says it happened. */
export type InboundEvent =
  | { type: 'group_seen'; chatId: string; title?: string; memberCount?: number; at: Date; raw?: unknown }
  | { type: 'group_renamed'; chatId: string; title: string; by?: MemberRef; at: Date }
  | { type: 'announcement_changed'; chatId: string; text?: string; by?: MemberRef; at: Date }
  | { type: 'group_dismissed'; chatId: string; at: Date }
  /** The connector itself lost access to the group (bot kicked, app uninstalled). */
  | { type: 'access_lost'; chatId: string; reason: string; at: Date }
  | {
      type: 'member_joined';
      chatId: string;
      member: MemberRef;
      /**
       * How they came: the invite link used, who invited them, the platform's join scene, and the
       * `state` of the WeCom join way or contact way they came through (campaigns attribute by it).
       */
      via?: { inviteLink?: string; inviter?: MemberRef; scene?: string; state?: string };
      at: Date;
    }
  | { type: 'member_left'; chatId: string; member: MemberRef; reason: 'voluntary' | 'removed'; by?: MemberRef; at: Date }
  /** `userChatId`: the private chat the bot may write to about the request (Telegram's user_chat_id, for 5 minutes without /start). */
  | { type: 'join_request'; chatId: string; member: MemberRef; inviteLink?: string; bio?: string; userChatId?: string; at: Date }
  /** A person wrote to the bot in private (not a group): `chatId` is the private chat. Admission reads it as answers. */
  | {
      type: 'private_message';
      chatId: string;
      messageId: string;
      from: MemberRef;
      text: string;
      /** The message carries a picture (a photo, an image file); `text` is its caption or ''. */
      image?: boolean;
      at: Date;
    }
  /**
   * A person started the bot in a private chat (Telegram `/start`, with the start link's token
   * when they came through one): from now on the bot may write to them. `chatId` is the private chat.
   */
  | { type: 'private_started'; chatId: string; member: MemberRef; username?: string; token?: string; at: Date }
  | {
      type: 'message';
      chatId: string;
      messageId: string;
      from: MemberRef;
      text: string;
      links: string[];
      mentions: string[];
      replyTo?: string;
      /** The message carries a picture (a photo, an image file); `text` is its caption or '' (a campaign screenshot). */
      image?: boolean;
      at: Date;
    };

export type Ingest = ((channelId: string, event: InboundEvent) => Promise<void>) & {
  /**
   * A burst of one channel's events (a getUpdates answer) in one transaction, in order — all or
   * nothing: when it throws nothing of it was stored, and the caller goes on one by one.
   */
  many?: (channelId: string, events: InboundEvent[]) => Promise<void>;
};

export interface GroupInfo {
  chatId: string;
  title: string;
  memberCount?: number;
  owner?: MemberRef;
  notice?: string;
  members?: MemberRef[];
  /**
   * WeCom: the `state` each member came with (groupchat/get member_list.state: a join way or
   * contact way with a state), by platform id; reconciliation mends a recorded join that lacks it.
   */
  joinStates?: Record<string, string>;
}

/**
 * The sign-in of a connector that holds a logged-in session (a WeChat account through Wechaty):
 * a QR code to scan with the phone, then the account it logged in as; a logout starts over.
 */
export type SessionEvent =
  | { type: 'qr'; value: string; status: 'waiting' | 'scanned' | 'confirmed' | 'timeout' | 'cancel' | 'unknown'; at: Date }
  | { type: 'login'; identity: string; at: Date }
  | { type: 'logout'; reason: string; at: Date };

export interface Connector {
  readonly kind: ChannelKind;
  readonly capabilities: CapabilityMatrix;
  /** Performs one outbound action. Throws ChannelError; never retries by itself. */
  perform(action: OutboundAction): Promise<PerformResult>;
  /** Checks the credentials and returns who the connector acts as (bot name, corp name). */
  /** `kind`: the ChannelError kind of the failure, which tells "cannot reach" from "refused". */
  verify(): Promise<{ ok: true; identity: string } | { ok: false; reason: string; kind?: ChannelErrorKind }>;
  /** Lists the groups the platform lets it see (for sync and reconciliation); [] when it cannot. */
  listGroups(): Promise<GroupInfo[]>;
  /** Looks one group up by its platform id (adding a group by id, reconciliation). */
  getGroup?(chatId: string): Promise<GroupInfo>;
  /** Reconciliation: true only when the platform says the group no longer exists (dismissed). */
  confirmGone?(chatId: string): Promise<boolean>;
  /** Starts receiving inbound events (polling, puppet events); webhooks call `handleWebhook` instead. */
  start?(ingest: Ingest): Promise<void>;
  stop?(): Promise<void>;
  /** For connectors that sign in with a QR code: calls `listener` on each QR, login and logout; returns an unsubscribe. */
  onSession?(listener: (e: SessionEvent) => void): () => void;
}

/** A parsed HTTP request, as the server hands it to a connector's webhook handler. */
export interface WebhookRequest {
  method: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  body: string;
}

export interface WebhookResponse {
  status: number;
  body: string;
  contentType?: string;
}
