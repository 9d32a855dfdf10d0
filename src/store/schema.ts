// Table types for the typed query layer. Keep in step with src/store/migrations/.

import type { ColumnType, Generated } from 'kysely';

/** Optional on insert (the database fills it in), a Date when read. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SheetsTable {
  id: string;
  title: string;
  community: string;
  latest_version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SheetVersionsTable {
  sheet_id: string;
  version: number;
  yaml: string;
  sha256: string;
  title: string;
  community: string;
  step_count: number;
  created_by: string | null;
  created_at: Timestamp;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_sha256: string;
  role: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  /** A personal token's user (it acts with the user's current role); null for the admin token. */
  user_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** bigint identity columns; read as numbers on both engines (see db.ts). */
type Id = ColumnType<number, never, never>;
// Optional on insert: the columns that have no database default are always given by the code.
type Json<T> = ColumnType<T, T | string | undefined, T | string>;

export interface ChannelsTable {
  id: string;
  kind: string;
  name: string;
  config_sealed: string;
  status: ColumnType<string, string | undefined, string>;
  status_reason: string | null;
  identity: string | null;
  pacing: Json<Record<string, unknown>>;
  created_at: Timestamp;
  login_qr: ColumnType<string | null, string | null | undefined, string | null>;
  login_qr_status: ColumnType<string | null, string | null | undefined, string | null>;
  login_qr_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reconciled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface GroupsTable {
  id: string;
  channel_id: string;
  external_id: string;
  name: string;
  community: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  attrs: Json<Record<string, string>>;
  leader: string | null;
  timezone: string | null;
  member_count: number | null;
  status: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  last_activity_at: Date | null;
  announcement: ColumnType<string | null, string | null | undefined, string | null>;
  invite_link: ColumnType<string | null, string | null | undefined, string | null>;
  invite_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** 022 (lifecycle): when a run on a lead sheet closes the group. */
  closes_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A column the database fills in on insert (a default), writable later. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type MaybeDate = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type MaybeText = ColumnType<string | null, string | null | undefined, string | null>;

export interface MembersTable {
  id: string;
  name: string;
  created_at: Timestamp;
  phone: MaybeText;
  email: MaybeText;
  attrs: ColumnType<Record<string, string>, Record<string, string> | string | undefined, Record<string, string> | string>;
  tags: Defaulted<string[]>;
  stage: Defaulted<string>;
  level: Defaulted<string>;
  score: Defaulted<number>;
  score_at: MaybeDate;
  level_at: MaybeDate;
  points: Defaulted<number>;
  messages: Defaulted<number>;
  replies: Defaulted<number>;
  checkins: Defaulted<number>;
  invites: Defaulted<number>;
  clicks: Defaulted<number>;
  orders: Defaulted<number>;
  active_weeks: Defaulted<number>;
  last_active_at: MaybeDate;
  blacklisted_at: MaybeDate;
  blacklist_reason: MaybeText;
  blacklisted_by: MaybeText;
  forgotten_at: MaybeDate;
  /** 013: counters the stage rules read (join requests, joins, answered questions). */
  join_requests: Defaulted<number>;
  joins: Defaulted<number>;
  answers: Defaulted<number>;
}

export interface MemberIdentitiesTable {
  member_id: string;
  channel_id: string;
  external_id: string;
  name: string | null;
  is_bot: ColumnType<boolean, boolean | undefined, boolean>;
  username: MaybeText;
  dm_chat_id: MaybeText;
  dm_ready_at: MaybeDate;
}

export interface MemberEventsTable {
  id: Id;
  member_id: string;
  group_id: string | null;
  kind: string;
  at: ColumnType<Date, Date | string, Date | string>;
  detail: Json<Record<string, unknown>>;
}

export interface MemberRolesTable {
  group_id: string;
  member_id: string;
  role: string;
  set_by: string | null;
  set_at: Timestamp;
}

export interface SegmentsTable {
  name: string;
  selector: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CheckinsTable {
  id: Id;
  run_id: string;
  group_id: string;
  step_id: string;
  occurrence: number;
  ledger_id: number | null;
  keyword: string;
  post_message_id: string | null;
  opens_at: ColumnType<Date, Date | string, Date | string>;
  closes_at: MaybeDate;
  closed: Defaulted<boolean>;
}

export interface CheckinMarksTable {
  checkin_id: number;
  member_id: string;
  at: ColumnType<Date, Date | string, Date | string>;
  message_id: string | null;
}

export interface WorkspaceKeysTable {
  name: string;
  /** 32 random bytes, base64. */
  key: string;
  created_at: Timestamp;
}

export interface PointsLedgerTable {
  id: Id;
  member_id: string;
  delta: number;
  balance: number;
  reason: string;
  rule: string | null;
  actor: string | null;
  at: Timestamp;
}

export interface MembershipsTable {
  id: Id;
  group_id: string;
  member_id: string;
  joined_at: Date;
  via_link: string | null;
  inviter_member_id: string | null;
  scene: string | null;
  left_at: Date | null;
  left_reason: string | null;
  removed_by: string | null;
  /** Wrote in the group within 72 hours of this join (034_funnel.sql). */
  activated: Defaulted<boolean>;
  /** Bit k: wrote in their own week k of this stay (a bigint, read through SQL). */
  active_weeks: Defaulted<string>;
}

export interface MessagesTable {
  id: Id;
  group_id: string;
  member_id: string | null;
  external_id: string;
  text: string;
  links: string[];
  mentions: string[];
  reply_to: string | null;
  sent_at: Date;
}

/** 032: a member's question, kept at ingest (src/insight/questions.ts); text and asker through the message. */
export interface QuestionsTable {
  id: Id;
  group_id: string;
  message_id: number;
  at: ColumnType<Date, Date | string, Date | string>;
  state: Defaulted<'open' | 'answered'>;
  answered_at: MaybeDate;
  answered_by: MaybeText;
  answered_via: ColumnType<'reply' | 'after' | 'inbox' | null, 'reply' | 'after' | 'inbox' | null | undefined, 'reply' | 'after' | 'inbox' | null>;
  reply_ledger_id: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface InboundEventsTable {
  id: Id;
  channel_id: string;
  type: string;
  chat_id: string | null;
  payload: Json<unknown>;
  received_at: Timestamp;
  /** When it was applied to the state; null while it waits (src/community/ingest-queue.ts). */
  applied_at: Timestamp | null;
  /** Why it could not be applied. */
  failure: string | null;
}

export interface RunsTable {
  id: string;
  kind: string;
  sheet_id: string | null;
  sheet_version: number | null;
  anchor: Date | null;
  timezone: string | null;
  vars: Json<Record<string, string>>;
  selector: string;
  state: string;
  deadline: Date | null;
  broadcast_text: string | null;
  broadcast_by: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RunGroupsTable {
  run_id: string;
  group_id: string;
  position: number;
}

export interface LedgerContent {
  text: string;
  link?: string;
  image?: string;
  file?: string;
  name?: string;
  to?: string;
  /** For member steps: the member's platform id, so a direct message can be addressed. */
  userId?: string;
  /** A post that answers a message (the question inbox): the platform id of that message. */
  replyTo?: string;
  /** For a person sending a private message to an audience: whom to write to, in the text's language. */
  instruction?: string;
  /** Why Chorus removes or bans someone (a people operation: the blacklist, the rejoin policy). */
  reason?: string;
  // Audiences (src/run/expand.ts). A group's row of a step sent to members carries `audience` (the
  // member selector) and `template` (the text with `{{ member.* }}` kept) until it is expanded.
  audience?: string;
  template?: string;
  /** `unless:` of the step: members for whom it holds when the step falls due are left out. */
  unless?: string;
  /** `tag` steps: the tag to add. */
  tag?: string;
  /** `move` steps: the target group as written (rendered), and once expanded its id and chat. */
  into?: string;
  intoGroupId?: string;
  intoChatId?: string;
  /** `digest` steps: `review: leader` as written; once written, the ISO week the digest is of (src/insight/digest-post.ts). */
  review?: string;
  week?: string;
  /** Who does a member's row when not the bot (the step's `by:`). */
  by?: string;
  /** A member's row: whom it is for, as a person recognises them. */
  member?: { name: string; handle?: string };
  /** Telegram: the start link for a person the bot cannot write to yet. */
  startLink?: string;
  // Growth, platforms (issue 9). `invite`: the state of a WeCom join way whose joins it attributes
  // (a personal link: not the group's shared one). `create_group`: Wechaty — the contacts the bot
  // creates the room with; WeCom — the full groups (chat ids, at most 5) of an auto-create join
  // way, the number of its first new group, and its state. Campaigns (src/growth/campaign-enrol.ts):
  // a `campaign_link` row's WeCom join-way state (the participant's token).
  state?: string;
  memberIds?: string[];
  fromChatIds?: string[];
  firstIndex?: number;
  // lifecycle (issue 9, src/run/lifecycle.ts): the close of a lead group.
  /** A close's goodbye, in this language; its regroup link is looked up when it falls due. */
  goodbye?: 'en' | 'zh';
  /** A close's revoke row: the links withdrawn, filled in when it falls due. */
  links?: string[];
  /** …and the platform's id of each that has one (a WeCom join way's config_id), by link. */
  linkRefs?: Record<string, string>;
  // moderation (issue 10, src/insight/moderation-actions.ts): the platform's id of the message a
  // `delete_message` row deletes; until when a `mute` row mutes (ISO time).
  messageId?: string;
  until?: string;
}

export interface LedgerTable {
  id: Id;
  run_id: string;
  group_id: string;
  step_id: string;
  occurrence: number;
  member_id: ColumnType<string, string | undefined, string>;
  action: string;
  mode: string;
  executor: string;
  assignee: string | null;
  sender_account: string | null;
  due_at: Date;
  window_minutes: number;
  content: Json<LedgerContent>;
  /** The variant of the step's `variants:` this row sends (migration 030); null without variants. */
  variant: ColumnType<string | null, string | null | undefined, string | null>;
  state: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date | null;
  last_error: string | null;
  platform_message_id: string | null;
  external_task_id: string | null;
  claimed_by: string | null;
  executed_by: string | null;
  executed_at: Date | null;
  on_time: boolean | null;
  reminded_at: Date | null;
  updated_at: Timestamp;
  /** What the action returned (invite link, new chat id, …); null until it is done. */
  result: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface LedgerHistoryTable {
  id: Id;
  ledger_id: number;
  from_state: string | null;
  to_state: string;
  actor: string | null;
  note: string | null;
  at: Timestamp;
}

export interface PacingAccountsTable {
  account: string;
  policy: Json<Record<string, unknown>>;
  state: Json<Record<string, unknown>>;
  updated_at: Timestamp;
}

export interface NotificationsTable {
  id: Id;
  recipient: string;
  kind: string;
  ledger_id: number | null;
  run_id: string | null;
  message: string;
  /** The message as a catalogue text (`{ key, vars }`, src/i18n), rendered in the reader's language. */
  text: ColumnType<unknown | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  read_at: Date | null;
}

export interface WorkersTable {
  id: string;
  host: string;
  pid: number;
  started_at: Timestamp;
  heartbeat_at: Timestamp;
}

export interface SandboxMessagesTable {
  id: Id;
  channel_id: string;
  chat_id: string;
  kind: string;
  text: string;
  at: Timestamp;
}

export interface UsersTable {
  id: string;
  name: string;
  display_name: string;
  password_hash: string;
  role: string;
  locale: ColumnType<string, string | undefined, string>;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Date;
  last_seen_at: Timestamp;
}

export interface LoginAttemptsTable {
  id: Id;
  name: string;
  ip: string;
  at: Date;
}

export interface DemoSignInsTable {
  user_id: string;
  password_sealed: string;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: Id;
  at: Timestamp;
  actor: string;
  action: string;
  target: string | null;
  detail: Json<Record<string, unknown>>;
}

export interface Database {
  sheets: SheetsTable;
  sheet_versions: SheetVersionsTable;
  api_tokens: ApiTokensTable;
  channels: ChannelsTable;
  groups: GroupsTable;
  members: MembersTable;
  member_identities: MemberIdentitiesTable;
  memberships: MembershipsTable;
  messages: MessagesTable;
  /** 032: the question inbox (src/insight/questions.ts). */
  questions: QuestionsTable;
  inbound_events: InboundEventsTable;
  runs: RunsTable;
  run_groups: RunGroupsTable;
  ledger: LedgerTable;
  ledger_history: LedgerHistoryTable;
  pacing_accounts: PacingAccountsTable;
  notifications: NotificationsTable;
  workers: WorkersTable;
  sandbox_messages: SandboxMessagesTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  demo_sign_ins: DemoSignInsTable;
  audit_log: AuditLogTable;
  wecom_media: WecomMediaTable;
  member_events: MemberEventsTable;
  member_roles: MemberRolesTable;
  segments: SegmentsTable;
  points_ledger: PointsLedgerTable;
  workspace_keys: WorkspaceKeysTable;
  checkins: CheckinsTable;
  checkin_marks: CheckinMarksTable;
  workspace_settings: WorkspaceSettingsTable;
  survey_answers: SurveyAnswersTable;
  admission_settings: AdmissionSettingsTable;
  admissions: AdmissionsTable;
  orders: OrdersTable;
  dm_start_tokens: DmStartTokensTable;
  links: LinksTable;
  link_slugs: LinkSlugsTable;
  link_clicks: LinkClicksTable;
  livecodes: LivecodesTable;
  livecode_groups: LivecodeGroupsTable;
  livecode_scans: LivecodeScansTable;
  // lifecycle (issue 9): lead-group close and group creation, migration 022
  group_invite_links: GroupInviteLinksTable;
  // moderation and keyword alerts (issue 10), migration 033
  moderation_settings: ModerationSettingsTable;
  moderation_log: ModerationLogTable;
  keyword_alerts: KeywordAlertsTable;
  alert_hits: AlertHitsTable;
}

export interface WecomMediaTable {
  channel_id: string;
  source: string;
  media_type: string;
  media_id: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

/** 013: workspace settings, one JSON value per key (`people`: the people rules). */
export interface WorkspaceSettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SurveyAnswersTable {
  id: Id;
  run_id: string;
  group_id: string;
  step_id: string;
  occurrence: number;
  member_id: string;
  answers: Json<string[]>;
  at: ColumnType<Date, Date | string, Date | string>;
}

export interface AdmissionSettingsTable {
  group_id: string;
  questions: Json<string[]>;
  rejoin_policy: Defaulted<string>;
  auto_approve: Json<unknown[]>;
  language: Defaulted<string>;
  form_code: MaybeText;
  updated_by: MaybeText;
  updated_at: Timestamp;
}

export interface AdmissionAnswer {
  question: string;
  answer: string;
}

export interface AdmissionsTable {
  id: string;
  group_id: string;
  member_id: MaybeText;
  source: string;
  applicant_name: MaybeText;
  applicant_contact: MaybeText;
  answers: Json<AdmissionAnswer[]>;
  state: Defaulted<string>;
  reviewer: MaybeText;
  reason: MaybeText;
  decided_by: MaybeText;
  decided_at: MaybeDate;
  channel_id: MaybeText;
  user_id: MaybeText;
  user_chat_id: MaybeText;
  asked: Defaulted<number>;
  invite_ledger_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Timestamp;
}

/** Orders (017): the shop's order id is the key; `amount` is numeric(14,2), read as a string. */
export interface OrdersTable {
  id: string;
  member_id: string;
  amount: ColumnType<string, string | number, string | number>;
  currency: string | null;
  product: string | null;
  at: ColumnType<Date, Date | string, Date | string>;
  source: 'csv' | 'webhook';
  imported_at: Timestamp;
  updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  raw: ColumnType<unknown, string | null | undefined, string | null>;
}

/** Audiences (migration 014): a Telegram start link's token and the member it was made for. */
export interface DmStartTokensTable {
  token: string;
  channel_id: string;
  member_id: string;
  created_at: Timestamp;
  used_at: Date | null;
}

/** Tracked links (migration 019, docs/growth.md): a destination, made by hand or by a run's `link:`. */
export interface LinksTable {
  id: string;
  url: string;
  name: string | null;
  /** '' for a link made by hand. */
  run_id: Defaulted<string>;
  created_by: string | null;
  created_at: Timestamp;
}

/** One short slug per place a link is sent to ('' for none). */
export interface LinkSlugsTable {
  slug: string;
  link_id: string;
  group_id: Defaulted<string>;
  step_id: Defaulted<string>;
  member_id: Defaulted<string>;
  created_at: Timestamp;
}

/** A click by a person (bots are not recorded). */
export interface LinkClicksTable {
  id: Generated<string>;
  link_id: string;
  slug: string;
  group_id: Defaulted<string>;
  step_id: Defaulted<string>;
  member_id: Defaulted<string>;
  at: ColumnType<Date, Date | string, Date | string>;
}

// Live codes (020_live_codes.sql, src/growth/).
export interface LivecodesTable {
  id: string;
  code: string;
  name: string;
  selector: string;
  auto_create: Defaulted<boolean>;
  state: Defaulted<string>;
  full_ledger_id: ColumnType<number | null, number | null | undefined, number | null>;
  full_at: MaybeDate;
  created_by: MaybeText;
  created_at: Timestamp;
}

export interface LivecodeGroupsTable {
  id: Id;
  livecode_id: string;
  group_id: string;
  position: number;
  cap: number | null;
  seats: number | null;
  routed: Defaulted<number>;
  links: Defaulted<string[]>;
  link_asked_at: MaybeDate;
  expiry_task_for: MaybeDate;
  added_at: Timestamp;
}

export interface LivecodeScansTable {
  id: Id;
  livecode_id: string;
  group_id: string | null;
  at: Timestamp;
}

// lifecycle (issue 9): every invite link Chorus made for a group, so the close withdraws them.
export interface GroupInviteLinksTable {
  id: Id;
  group_id: string;
  link: string;
  personal: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  revoked_at: MaybeDate;
  /** The platform's id of the link (a WeCom join way's config_id), migration 038. */
  platform_ref: ColumnType<string | null, string | null | undefined, string | null>;
}

// moderation and keyword alerts (issue 10), migration 033
export interface ModerationSettingsTable {
  scope: string;
  settings: Json<Record<string, unknown>>;
  exempt_roles: Defaulted<string[]>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface ModerationLogTable {
  id: Id;
  at: ColumnType<Date, Date | string, Date | string>;
  group_id: string;
  member_id: string | null;
  rule: string;
  action: string;
  deleted: Defaulted<boolean>;
  message_id: number | null;
  text: Defaulted<string>;
  match: MaybeText;
  blacklisted: Defaulted<boolean>;
  until: MaybeDate;
  undone_at: MaybeDate;
  undone_by: MaybeText;
  undoes: number | null;
  by: MaybeText;
}

export interface KeywordAlertsTable {
  id: string;
  keyword: string;
  selector: Defaulted<string>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface AlertHitsTable {
  alert_id: string;
  message_id: number;
  group_id: string;
  member_id: string | null;
  at: ColumnType<Date, Date | string, Date | string>;
}
