// The SOP sheet (format v1) as the rest of Chorus sees it once it has been parsed and validated.
// The YAML contract lives in docs/sop-format.md; this file is its typed shape.

export const COMMUNITIES = ['lead', 'newcomer', 'training_camp', 'delivery', 'fans', 'local'] as const;
export type Community = (typeof COMMUNITIES)[number];

export const ACTIONS = [
  'create_group',
  'rename',
  'announce',
  'welcome',
  'invite',
  'post',
  'notify',
  'direct_message',
  'task',
  'checkin',
  'remind',
  'survey',
  'tag',
  'move',
  'disband',
  // The weekly digest of the group, written when it is sent (docs/insight.md).
  'digest',
] as const;
export type Action = (typeof ACTIONS)[number];

export const CONTENT_KINDS = ['info', 'rules', 'activation', 'warmup', 'conversion', 'task', 'feedback'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

export const QUIET_POLICIES = ['shift', 'skip', 'error'] as const;
export type QuietPolicy = (typeof QUIET_POLICIES)[number];

export const EVENTS = ['member_join', 'member_leave', 'checkin_missed'] as const;
export type EventName = (typeof EVENTS)[number];

/**
 * Actions whose text is addressed to one member at a time (so `{{ member.* }}` is available): the
 * private messages, welcomes, and surveys and moves (sent to each member of their audience).
 */
export const MEMBER_ACTIONS: ReadonlySet<Action> = new Set(['notify', 'direct_message', 'remind', 'welcome', 'survey', 'move']);

/** Actions that put a message in front of the whole group (they count for `daily-density`). */
export const GROUP_MESSAGE_ACTIONS: ReadonlySet<Action> = new Set(['post', 'announce', 'checkin', 'survey', 'digest']);

/** A position in the source file, 1-based like every editor shows it. */
export interface Pos {
  line: number;
  column: number;
}

/** Minutes since local midnight, 0..1439. */
export type MinuteOfDay = number;

/** 1 = Monday … 7 = Sunday (ISO, as Luxon counts). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type When =
  /** `at: D-2 10:00` — a calendar day relative to the anchor's local date, at a local time. */
  | { kind: 'day'; day: number; minute: MinuteOfDay }
  /** `at: T-2h` — an exact duration from the anchor instant. */
  | { kind: 'offset'; minutes: number }
  /** `every: day|weekday|mon,wed,fri` from D`from` until D`until` (inclusive) at a local time. */
  | { kind: 'every'; days: 'day' | Weekday[]; from: number; until: number; minute: MinuteOfDay }
  /** `on: member_join` with `after:` — planned per member when the event happens. */
  | { kind: 'event'; event: EventName | { keyword: string }; after: After };

export type After =
  /** `10m`, `2h`, `3d` — an exact duration after the event. */
  | { kind: 'duration'; minutes: number }
  /** `3d at 19:30` — N calendar days after the event's local date, at a local time. */
  | { kind: 'day'; days: number; minute: MinuteOfDay };

export interface VarSpec {
  required: boolean;
  default?: string;
  description?: string;
}

export interface Step {
  id: string;
  /** 0-based position in `steps:`. */
  index: number;
  when: When;
  /** The raw timing text as written (`D-2 10:00`, `T-2h`, `07:00 every day D1..D6`) for messages. */
  whenText: string;
  do: Action;
  to?: string;
  /** The message. Undefined when the step carries `variants:` instead (then each variant has its text). */
  text?: string;
  /** `variants:` — two or more texts compared over the run's groups (docs/sop-format.md, "Variants"). */
  variants?: Variant[];
  name?: string;
  kind?: ContentKind;
  link?: string;
  image?: string;
  file?: string;
  /** Who executes: bot | owner | leader | assistant | <role>. Undefined: bot where the channel can, else owner. */
  by?: string;
  /** How late a human may execute and still be on time, in minutes (default 30). */
  windowMinutes: number;
  unless?: string;
  tag?: string;
  where?: string;
  into?: string;
  questions?: string[];
  /** For `checkin`: the words that count a member's message (as written; default CHECKIN_KEYWORDS). */
  keyword?: string[];
  /** True when the sheet wrote `window:` (a check-in's window is then that long, see docs/checkins-and-surveys.md). */
  windowWritten?: true;
  /** For `digest`: who looks it over and posts it instead of the bot (`leader`); as written, the linter checks it. */
  review?: string;
  note?: string;
}

/** One text of a step with `variants:`; `id` is short and unique within the step (a, b, warm). */
export interface Variant {
  id: string;
  text: string;
}

/** The words a check-in counts when its step names none. */
export const CHECKIN_KEYWORDS: readonly string[] = ['打卡', '#checkin'];

export interface Sheet {
  sop: string;
  title: string;
  /** What the sheet is for, in a sentence or two (shown in the template library). */
  description?: string;
  community: Community;
  industry?: string;
  timezone: string;
  anchor: string;
  /** Local time of day of the anchor, when the sheet states it. */
  anchorTime?: MinuteOfDay;
  quietHours?: { start: MinuteOfDay; end: MinuteOfDay };
  quietPolicy: QuietPolicy;
  vars: Record<string, VarSpec>;
  /** Per-rule overrides: `{ severity?: 'error'|'warning'|'info'|'off', ...thresholds }`. */
  lint: Record<string, Record<string, unknown>>;
  steps: Step[];
}

/** Where each part of the sheet was written, by dotted path (`steps.3.at`, `steps.3`, `title`). */
export interface SourceMap {
  file: string;
  /** Position of the value at a path; falls back to the nearest parent that has one. */
  pos(path: string): Pos;
}

export interface ParsedSheet {
  sheet: Sheet;
  source: SourceMap;
  /** The YAML text, as read. */
  text: string;
}
