// Tracked links (docs/growth.md): a destination (`links`) and the short slugs that lead to it,
// one per group, step and member it was sent to (`link_slugs`). A run's `link:` becomes one link
// per run and URL the first time a row carrying it is sent (src/growth/wrap.ts); `chorus link
// create` makes one by hand, with a single slug of its own.

import type { Db } from '../store/db.ts';
import { newLinkId, newSlug } from './slugs.ts';

export interface LinkTarget {
  linkId: string;
  url: string;
  groupId: string;
  stepId: string;
  memberId: string;
}

export interface Place {
  groupId?: string;
  stepId?: string;
  memberId?: string;
}

/** The public address of a slug. */
export function trackedUrl(base: string, slug: string): string {
  return `${base.replace(/\/+$/, '')}/l/${slug}`;
}

/** A link made by hand, with its one slug. */
export async function createLink(db: Db, input: { url: string; name?: string; by?: string }): Promise<{ id: string; slug: string }> {
  const id = newLinkId();
  const slug = newSlug();
  const write = async (trx: Db) => {
    await trx.insertInto('links').values({ id, url: input.url, name: input.name ?? null, created_by: input.by ?? null }).execute();
    await trx.insertInto('link_slugs').values({ slug, link_id: id }).execute();
  };
  // Both rows or neither: in the caller's transaction, else in one of its own.
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
  return { id, slug };
}

/** The run's link for a URL, made the first time (two workers at once get the same one). */
export async function runLink(db: Db, runId: string, url: string): Promise<string> {
  await db
    .insertInto('links')
    .values({ id: newLinkId(), url, run_id: runId })
    .onConflict((oc) => oc.columns(['run_id', 'url']).where('run_id', '<>', '').doNothing())
    .execute();
  const r = await db.selectFrom('links').select('id').where('run_id', '=', runId).where('url', '=', url).executeTakeFirstOrThrow();
  return r.id;
}

/** The slug of a link at a place, made the first time. */
export async function slugFor(db: Db, linkId: string, place: Place): Promise<string> {
  const key = { group_id: place.groupId ?? '', step_id: place.stepId ?? '', member_id: place.memberId ?? '' };
  await db
    .insertInto('link_slugs')
    .values({ slug: newSlug(), link_id: linkId, ...key })
    .onConflict((oc) => oc.columns(['link_id', 'group_id', 'step_id', 'member_id']).doNothing())
    .execute();
  const r = await db
    .selectFrom('link_slugs')
    .select('slug')
    .where('link_id', '=', linkId)
    .where('group_id', '=', key.group_id)
    .where('step_id', '=', key.step_id)
    .where('member_id', '=', key.member_id)
    .executeTakeFirstOrThrow();
  return r.slug;
}

/** Where a slug leads, or undefined. */
export async function resolveSlug(db: Db, slug: string): Promise<LinkTarget | undefined> {
  const r = await db
    .selectFrom('link_slugs as s')
    .innerJoin('links as l', 'l.id', 's.link_id')
    .select(['s.link_id', 'l.url', 's.group_id', 's.step_id', 's.member_id'])
    .where('s.slug', '=', slug)
    .executeTakeFirst();
  return r ? { linkId: r.link_id, url: r.url, groupId: r.group_id, stepId: r.step_id, memberId: r.member_id } : undefined;
}
