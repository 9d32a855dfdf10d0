// The manual channel: the platform is a person. Every action becomes a human task with the exact
// text to paste — the universal fallback for a platform without an API.

import { ChannelError, type Connector, NO_CAPABILITIES } from '../port.ts';

export const MANUAL_CAPABILITIES = NO_CAPABILITIES;

export function createManualConnector(): Connector {
  return {
    kind: 'manual',
    capabilities: MANUAL_CAPABILITIES,
    async perform(action) {
      throw new ChannelError('permanent', `A manual channel cannot ${action.type.replace('_', ' ')} by itself; it is a task for a person.`);
    },
    async verify() {
      return { ok: true, identity: 'people (manual channel)' };
    },
    async listGroups() {
      return [];
    },
  };
}
