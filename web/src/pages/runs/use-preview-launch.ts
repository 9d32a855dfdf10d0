// Preview, then create: the launch page (a run) and the command center (a broadcast) both show a
// dry run of exactly what the form says and allow creating it only while that preview matches
// the form. `body` undefined: the form is not complete yet.

import { useState } from 'react';
import { type ApiFailure, asFailure, post } from '../../api.ts';

export function usePreviewLaunch<P>(body: object | undefined, paths: { preview: string; create: string }, onCreated: (id: string) => void) {
  const [preview, setPreview] = useState<{ key: string; data: P } | undefined>();
  const [busy, setBusy] = useState<'preview' | 'create' | null>(null);
  const [error, setError] = useState<ApiFailure | undefined>();
  const key = body ? JSON.stringify(body) : '';
  /** The preview, while it still describes the form. */
  const fresh = preview && preview.key === key ? preview.data : undefined;

  const doPreview = async () => {
    if (!body) return;
    setBusy('preview');
    setError(undefined);
    try {
      setPreview({ key, data: await post<P>(paths.preview, body) });
    } catch (e) {
      setError(asFailure(e));
      setPreview(undefined);
    } finally {
      setBusy(null);
    }
  };

  const doCreate = async () => {
    if (!body || !fresh) return;
    setBusy('create');
    setError(undefined);
    try {
      const r = await post<{ id: string }>(paths.create, body);
      onCreated(r.id);
    } catch (e) {
      setError(asFailure(e));
      setBusy(null);
    }
  };

  return { preview, fresh, busy, error, doPreview, doCreate };
}
