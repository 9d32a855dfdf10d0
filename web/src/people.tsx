// The people in the team (GET /api/people): who can lead a group or take a task, by display
// name. Groups, boards, tasks and the command center store sign-in names; they show display names
// through `usePeople().nameOf`. Loaded once per page load and shared by every component.

import { useEffect, useState } from 'react';
import { get } from './api.ts';

export interface Person {
  name: string;
  displayName: string;
  role: string;
}

let loading: Promise<Person[]> | undefined;
let loaded: Person[] | undefined;

function load(): Promise<Person[]> {
  loading ??= get<{ people: Person[] }>('/api/people')
    .then((r) => {
      loaded = r.people;
      return r.people;
    })
    .catch(() => {
      loading = undefined;
      return [];
    });
  return loading;
}

/** Forget the list (after a change on the Team page), so the next use loads it again. */
export function forgetPeople(): void {
  loading = undefined;
  loaded = undefined;
}

export interface People {
  people: Person[];
  ready: boolean;
  /** The display name for a sign-in name; the name itself for someone not in the team. */
  nameOf: (name: string | null | undefined) => string;
  /** Is this sign-in name a person in the team? (true while the list is loading) */
  inTeam: (name: string) => boolean;
}

export function usePeople(): People {
  const [people, setPeople] = useState<Person[] | undefined>(loaded);
  useEffect(() => {
    let live = true;
    void load().then((p) => live && setPeople(p));
    return () => {
      live = false;
    };
  }, []);
  const list = people ?? [];
  const byName = new Map(list.map((p) => [p.name, p]));
  return {
    people: list,
    ready: people !== undefined,
    nameOf: (name) => (name ? (byName.get(name)?.displayName ?? name) : ''),
    inTeam: (name) => people === undefined || byName.has(name),
  };
}

/** A sign-in name shown by its display name (the sign-in name on hover). */
export function PersonName({ name }: { name: string }) {
  const { nameOf } = usePeople();
  return <span title={name}>{nameOf(name)}</span>;
}
