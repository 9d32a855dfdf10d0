// The contract every connector passes (Hono's common.case.test.ts idea): one suite, run by each
// connector's test file against that platform's local protocol server. A case whose capability
// the connector lacks is skipped with the reason in its name — the skip list *is* the
// capability matrix.

import { describe, expect, it } from 'vitest';
import {
  type CapabilityMatrix,
  ChannelError,
  type Connector,
  type OutboundAction,
  type OutboundType,
} from '../../src/channels/port.ts';

export interface ContractHarness {
  connector: Connector;
  /** A group the connector can act on. */
  chatId: string;
  /** A member of that group (not the connector's own account). */
  userId: string;
  /** Texts the platform received for the chat (posts, announcements), in order. */
  sentTexts(chatId: string): Promise<string[]>;
  /** The group's current title on the platform side. */
  title(chatId: string): Promise<string | undefined>;
  /** Whether the user is still a member on the platform side. */
  isMember(chatId: string, userId: string): Promise<boolean>;
  close(): Promise<void>;
}

const SAMPLE: Record<OutboundType, (h: ContractHarness) => OutboundAction> = {
  post: (h) => ({ type: 'post', chatId: h.chatId, text: `contract post ${Date.now()}` }),
  direct_message: (h) => ({ type: 'direct_message', userId: h.userId, text: 'contract dm' }),
  rename: (h) => ({ type: 'rename', chatId: h.chatId, name: 'Renamed by contract' }),
  announce: (h) => ({ type: 'announce', chatId: h.chatId, text: `contract notice ${Date.now()}` }),
  set_description: (h) => ({ type: 'set_description', chatId: h.chatId, text: 'contract description' }),
  welcome: (h) => ({ type: 'welcome', chatId: h.chatId, text: 'contract welcome' }),
  create_invite_link: (h) => ({ type: 'create_invite_link', chatId: h.chatId, name: 'contract' }),
  approve_join: (h) => ({ type: 'approve_join', chatId: h.chatId, userId: h.userId }),
  decline_join: (h) => ({ type: 'decline_join', chatId: h.chatId, userId: h.userId }),
  remove_member: (h) => ({ type: 'remove_member', chatId: h.chatId, userId: h.userId }),
  unban_member: (h) => ({ type: 'unban_member', chatId: h.chatId, userId: h.userId }),
  add_member: (h) => ({ type: 'add_member', chatId: h.chatId, userId: h.userId }),
  create_group: () => ({ type: 'create_group', name: 'contract group' }),
  disband: (h) => ({ type: 'disband', chatId: h.chatId }),
};

/**
 * `capabilities` is the connector's declared matrix, given here (not read from a live connector)
 * so that vitest can list the skipped cases before any of them runs.
 */
export function connectorContract(name: string, capabilities: CapabilityMatrix, setup: () => Promise<ContractHarness>): void {
  const run = (fn: (h: ContractHarness) => Promise<void>) => async () => {
    const h = await setup();
    try {
      await fn(h);
    } finally {
      await h.close();
    }
  };
  const can = (t: OutboundType) => capabilities[t] !== 'none';
  const why = (t: OutboundType) => (can(t) ? t : `${t} — skipped: the platform offers no API for it, so it becomes a human task`);

  describe(`connector contract: ${name}`, () => {
    it(
      'declares the same capabilities it was registered with',
      run(async (h) => {
        expect(h.connector.capabilities).toEqual(capabilities);
      }),
    );

    it(
      'verify() names the identity it acts as',
      run(async (h) => {
        const v = await h.connector.verify();
        expect(v.ok).toBe(true);
        if (v.ok) expect(v.identity.length).toBeGreaterThan(0);
      }),
    );

    it.skipIf(!can('post'))(
      why('post'),
      run(async (h) => {
        const action = SAMPLE.post(h) as Extract<OutboundAction, { type: 'post' }>;
        const r = await h.connector.perform(action);
        if (capabilities.post === 'confirm') {
          expect(r.status).toBe('awaiting_confirmation');
          if (r.status === 'awaiting_confirmation') expect(r.externalId).toBeTruthy();
          return;
        }
        expect(r.status).toBe('done');
        const sent = await h.sentTexts(h.chatId);
        expect(sent.filter((t) => t.includes(action.text))).toHaveLength(1);
      }),
    );

    it.skipIf(capabilities.rename !== 'auto')(
      why('rename'),
      run(async (h) => {
        await h.connector.perform(SAMPLE.rename(h));
        expect(await h.title(h.chatId)).toBe('Renamed by contract');
      }),
    );

    it.skipIf(capabilities.announce !== 'auto')(
      why('announce'),
      run(async (h) => {
        const action = SAMPLE.announce(h) as Extract<OutboundAction, { type: 'announce' }>;
        const r = await h.connector.perform(action);
        expect(r.status).toBe('done');
        expect((await h.sentTexts(h.chatId)).some((t) => t.includes(action.text))).toBe(true);
      }),
    );

    it.skipIf(capabilities.create_invite_link !== 'auto')(
      why('create_invite_link'),
      run(async (h) => {
        const r = await h.connector.perform(SAMPLE.create_invite_link(h));
        expect(r.status).toBe('done');
        if (r.status === 'done') expect(String(r.data?.inviteLink ?? '')).toMatch(/^(https?:\/\/|weixin:\/\/)/);
      }),
    );

    it.skipIf(capabilities.remove_member !== 'auto')(
      why('remove_member'),
      run(async (h) => {
        expect(await h.isMember(h.chatId, h.userId)).toBe(true);
        await h.connector.perform(SAMPLE.remove_member(h));
        expect(await h.isMember(h.chatId, h.userId)).toBe(false);
      }),
    );

    const unsupported = (Object.keys(capabilities) as OutboundType[]).filter((t) => capabilities[t] === 'none');
    for (const type of unsupported) {
      it(
        `${type}: refused as permanent (the platform cannot do it), never silently dropped`,
        run(async (h) => {
          const err = await h.connector.perform(SAMPLE[type](h)).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(ChannelError);
          expect((err as ChannelError).kind).toBe('permanent');
        }),
      );
    }
  });
}
