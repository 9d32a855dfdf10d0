// Who executes a planned action: the bot (through the channel's connector) or a person (a task
// with the exact text to paste). Pure: the sheet's `by:`, the action and the channel's
// capability matrix decide.

import type { CapabilityMatrix, OutboundType } from '../channels/port.ts';
import type { Action } from '../sop/types.ts';

/** The connector action a sheet action needs; undefined for actions only a person can do. */
export function outboundTypeFor(action: Action): OutboundType | undefined {
  switch (action) {
    case 'create_group':
      return 'create_group';
    case 'rename':
      return 'rename';
    case 'announce':
      return 'announce';
    case 'welcome':
      return 'welcome';
    case 'invite':
      return 'create_invite_link';
    case 'post':
    case 'checkin':
    case 'survey':
    case 'digest':
      return 'post';
    case 'notify':
    case 'direct_message':
    case 'remind':
      return 'direct_message';
    case 'disband':
      return 'disband';
    case 'task':
    case 'tag':
    case 'move':
      return undefined;
  }
}

/**
 * Whether a sheet action sends a message (a post, a private message). Only messages count toward
 * the daily caps of pacing (src/dispatch/pacing.ts `SendKind`): an invite link, a rename or a notice
 * sends none.
 */
export function isMessage(action: string): boolean {
  const type = outboundTypeFor(action as Action);
  return type === 'post' || type === 'direct_message';
}

export interface Assignment {
  mode: 'bot' | 'human';
  /** Who is responsible: `bot`, or the role that does it (`owner` when the bot cannot). */
  executor: string;
}

/**
 * `memberId` is set for member-triggered rows (one member, known platform id). Group-level steps
 * sent to an audience (`notify … to: enrolled`) never come here: they are expanded into members
 * when due (src/run/expand.ts), and each member's row is decided by src/run/member-delivery.ts.
 * A private message without a member (a broadcast) goes to a person.
 */
export function assign(action: Action, executor: string, caps: CapabilityMatrix, memberId?: string): Assignment {
  if (executor !== 'bot') return { mode: 'human', executor };
  // The weekly digest is written when claimed, on every channel: the worker then sends it, or makes
  // it the leader's task where the channel cannot post (src/insight/digest-post.ts).
  if (action === 'digest') return { mode: 'bot', executor: 'bot' };
  // Tagging one member (a `tag` step with `on:`) is Chorus's own work, on every channel.
  if (action === 'tag' && memberId) return { mode: 'bot', executor: 'bot' };
  const type = outboundTypeFor(action);
  const needsAudience = type === 'direct_message' && !memberId;
  if (!type || needsAudience || caps[type] === 'none') return { mode: 'human', executor: 'owner' };
  return { mode: 'bot', executor: 'bot' };
}

/** The person a human row goes to: a group attribute named after the role, else the group's leader. */
export function assigneeFor(executor: string, group: { leader: string | null; attrs: Record<string, string> }): string | null {
  if (executor === 'bot') return null;
  // Own entries only: a role named like an Object.prototype member must not read it.
  return (Object.hasOwn(group.attrs, executor) ? group.attrs[executor] : undefined) || group.leader || null;
}
