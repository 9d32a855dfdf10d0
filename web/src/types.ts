// The API's answers as the console reads them (see src/server/routes/*.ts for the source).

export const COMMUNITIES = ['lead', 'newcomer', 'training_camp', 'delivery', 'fans', 'local'] as const;
export type Community = (typeof COMMUNITIES)[number];

export const CHANNEL_KINDS = ['telegram', 'wecom', 'wechaty', 'sandbox', 'manual'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface Channel {
  id: string;
  kind: ChannelKind;
  name: string;
  status: string;
  statusReason: string | null;
  identity: string | null;
  webhook: string | null;
  createdAt: string;
}

export interface Group {
  id: string;
  channelId: string;
  externalId: string;
  name: string;
  community: Community | null;
  tags: string[];
  attrs: Record<string, string>;
  leader: string | null;
  /** false: the leader is not a person in the team (their tasks reach nobody); null: no leader. */
  leaderInTeam?: boolean | null;
  leaderDisplayName?: string | null;
  timezone: string | null;
  memberCount: number | null;
  status: string;
  createdAt: string;
  lastActivityAt: string | null;
}

export interface SheetSummary {
  id: string;
  title: string;
  community: Community;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface SheetVersion {
  id: string;
  version: number;
  yaml?: string;
  sha256: string;
  title: string;
  community: Community;
  stepCount: number;
  createdBy: string | null;
  createdAt: string;
}

export interface Template {
  id: string;
  title: string;
  description: string;
  community: Community;
  steps: number;
  /** The language the template is written in. */
  language: 'en' | 'zh';
  yaml?: string;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  file: string;
  rule: string;
  severity: Severity;
  line: number;
  column: number;
  message: string;
  hint: string;
}

export interface PlannedAction {
  step: string;
  occurrence: number;
  group: string;
  due: string;
  action: string;
  executor: string;
  text: string;
}

export interface UserSummary {
  id: string;
  name: string;
  displayName: string | null;
  role: string;
  disabled?: boolean;
}

/** The five roles (as in src/access/roles.ts). */
export type Role = 'owner' | 'admin' | 'operator' | 'leader' | 'viewer';
