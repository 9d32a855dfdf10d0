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
import { ConnectorCache } from '../../src/channels/registry.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { insertLedger } from '../../src/run/ledger.ts';
import { takeLease } from '../../src/server/leases.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { testStore } from '../support/db.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

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
  /** A PNG the platform (or the connector) can download, for posts with an image. */
  imageUrl: string;
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
  revoke_invite_link: (h) => ({ type: 'revoke_invite_link', chatId: h.chatId, link: 'https://t.me/+contractNotOurs' }),
  delete_message: (h) => ({ type: 'delete_message', chatId: h.chatId, messageId: '1' }),
  restrict_member: (h) => ({ type: 'restrict_member', chatId: h.chatId, userId: h.userId, until: new Date(Date.now() + 3_600_000) }),
  unrestrict_member: (h) => ({ type: 'unrestrict_member', chatId: h.chatId, userId: h.userId }),
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

    it.skipIf(!can('post'))(
      `${can('post') ? 'post with an image' : 'post with an image — skipped: no posts'}: sent (or proposed for confirmation), never refused`,
      run(async (h) => {
        const text = `contract poster ${Date.now()}`;
        const r = await h.connector.perform({ type: 'post', chatId: h.chatId, text, image: h.imageUrl });
        if (capabilities.post === 'confirm') {
          expect(r.status).toBe('awaiting_confirmation');
          return;
        }
        expect(r.status).toBe('done');
        expect((await h.sentTexts(h.chatId)).some((t) => t.includes(text))).toBe(true);
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

    // lifecycle (issue 9): a link Chorus made can be withdrawn again.
    it.skipIf(capabilities.revoke_invite_link !== 'auto' || capabilities.create_invite_link !== 'auto')(
      why('revoke_invite_link'),
      run(async (h) => {
        const made = await h.connector.perform(SAMPLE.create_invite_link(h));
        const link = made.status === 'done' ? String(made.data?.inviteLink ?? '') : '';
        // WeCom withdraws a join way by the config_id it answered with (kept by Chorus with the link).
        const ref = made.status === 'done' && typeof made.data?.configId === 'string' ? { ref: made.data.configId } : {};
        const r = await h.connector.perform({ type: 'revoke_invite_link', chatId: h.chatId, link, ...ref });
        expect(r.status).toBe('done');
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

    // Moderation (issue 10): a muted member stays in the group, and the mute can be lifted.
    it.skipIf(capabilities.restrict_member !== 'auto')(
      why('restrict_member'),
      run(async (h) => {
        expect((await h.connector.perform(SAMPLE.restrict_member(h))).status).toBe('done');
        expect(await h.isMember(h.chatId, h.userId)).toBe(true);
        expect((await h.connector.perform(SAMPLE.unrestrict_member(h))).status).toBe('done');
      }),
    );

    // Through the one outbound path (ledger → dispatcher → connector → ledger): whatever the
    // connector did to the group shows on Chorus's group, and what it returned stays on the row.
    const groupActions = (['rename', 'announce', 'create_invite_link', 'disband'] as const).filter((t) => capabilities[t] === 'auto');
    it.skipIf(groupActions.length === 0)(
      `${groupActions.join(', ') || 'group actions'} through the dispatcher change Chorus's group${groupActions.length ? '' : ' — skipped: the platform offers no group action'}`,
      run(async (h) => {
        const rows = await throughDispatcher(h, groupActions.filter((t) => t !== 'disband'));
        try {
          const group = await rows.group();
          if (capabilities.rename === 'auto') expect(group.name).toBe('Renamed by contract');
          if (capabilities.announce === 'auto') expect(group.announcement).toMatch(/^contract notice/);
          if (capabilities.create_invite_link === 'auto') {
            const invite = rows.ledger.find((r) => r.action === 'invite')!;
            expect(invite.state).toBe('sent');
            const link = (invite.result as { inviteLink?: string } | null)?.inviteLink;
            expect(link).toMatch(/^(https?:\/\/|weixin:\/\/)/);
            expect(group.invite_link).toBe(link);
          }
          for (const r of rows.ledger) expect(r.state, `${r.action}: ${r.last_error}`).toBe('sent');
          expect(group.status).toBe('active');
          if (capabilities.disband === 'auto') {
            await rows.more(['disband']);
            expect((await rows.group()).status).toBe('dismissed');
          }
        } finally {
          await rows.close();
        }
      }),
      // A fresh database and a worker: PGlite takes its time to start on a busy machine.
      90_000,
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

const SHEET_ACTION: Partial<Record<OutboundType, { action: string; content: Record<string, string> }>> = {
  rename: { action: 'rename', content: { text: '', name: 'Renamed by contract' } },
  announce: { action: 'announce', content: { text: `contract notice ${Date.now()}` } },
  create_invite_link: { action: 'invite', content: { text: 'contract' } },
  disband: { action: 'disband', content: { text: '' } },
};

/**
 * A database with the connector's channel and one group for the harness's chat, a running run
 * with one bot row per action, and a worker that sends them (pacing off: the test is not about it).
 */
async function throughDispatcher(h: ContractHarness, types: readonly OutboundType[]) {
  const store = await testStore();
  const db = store.db;
  const channelId = `ch_contract_${h.connector.kind}`;
  await db
    .insertInto('channels')
    .values({ id: channelId, kind: h.connector.kind, name: 'contract', config_sealed: 'unused', pacing: JSON.stringify({ minIntervalMs: 0, jitterMs: 0, perChat: null, burst: null }) })
    .execute();
  const groupId = await ensureGroup(db, channelId, h.chatId, 'Before');
  await db.insertInto('runs').values({ id: 'run_contract', kind: 'broadcast', selector: 'all', state: 'running' }).execute();
  const connectors = new ConnectorCache(db, secretBox(TEST_KEY));
  connectors.set(channelId, h.connector);
  // A WeChat login sends from the process that holds its receiver lease (docs/deploy.md): this one.
  await takeLease(db, channelId, 'contract', 10 * 60_000);
  const worker = new Worker({ db, connectors, pollMs: 50, heartbeatMs: 200, sessionHolder: 'contract' });
  await worker.start();
  let step = 0;
  const ledger = () => db.selectFrom('ledger').selectAll().orderBy('id').execute();
  const send = async (list: readonly OutboundType[]) => {
    const rows = list.map((t) => {
      const a = SHEET_ACTION[t]!;
      step++;
      return {
        groupId,
        stepId: `s${step}`,
        occurrence: 1,
        action: a.action,
        mode: 'bot' as const,
        executor: 'bot',
        assignee: null,
        senderAccount: channelId,
        dueAt: new Date(Date.now() - 1000 + step),
        windowMinutes: 60,
        content: a.content as { text: string },
      };
    });
    await insertLedger(db, 'run_contract', rows);
    worker.wake();
    await eventually(async () => (await ledger()).every((r) => !['planned', 'due', 'sending', 'retry_wait'].includes(r.state)), 15_000, 'the rows to be sent');
  };
  await send(types);
  return {
    ledger: await ledger(),
    group: () => db.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirstOrThrow(),
    more: send,
    close: async () => {
      await worker.stop();
      await store.drop();
    },
  };
}
