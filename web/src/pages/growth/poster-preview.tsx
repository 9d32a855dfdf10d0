// The poster as a participant will get it, drawn by the server (POST /api/posters/preview) with a
// sample name, a moment after the operator stops typing.

import { useEffect, useState } from 'react';
import { type ApiFailure, asFailure, postForBlob } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorNote, Loading } from '../../ui/feedback.tsx';

export function PosterPreview({ layout, title, subtitle }: { layout: string; title: string; subtitle: string }) {
  const t = useT();
  const [src, setSrc] = useState<string | undefined>();
  const [error, setError] = useState<ApiFailure | undefined>();
  const [busy, setBusy] = useState(false);
  const sample = t('campaigns.sampleName');
  const headline = title.trim() || t('campaigns.posterHeadlinePlaceholder');

  useEffect(() => {
    if (!layout) return;
    let live = true;
    let made: string | undefined;
    const timer = setTimeout(() => {
      setBusy(true);
      postForBlob('/api/posters/preview', { layout, title: headline, ...(subtitle.trim() ? { subtitle: subtitle.trim() } : {}), name: sample })
        .then((blob) => {
          if (!live) return;
          made = URL.createObjectURL(blob);
          setSrc(made);
          setError(undefined);
        })
        .catch((e) => live && setError(asFailure(e)))
        .finally(() => live && setBusy(false));
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
      // The previous image stays on screen until the next one arrives; its memory is freed when replaced.
      if (made) setTimeout(() => URL.revokeObjectURL(made as string), 2000);
    };
  }, [layout, headline, subtitle, sample]);

  return (
    <section className="card" data-testid="poster-preview">
      <h3>{t('campaigns.previewTitle')}</h3>
      {error ? <ErrorNote error={error} /> : null}
      {src ? <img className="poster-preview" src={src} alt={t('campaigns.previewAlt')} data-testid="poster-preview-image" /> : busy || layout ? <Loading /> : null}
      <p className="muted small">{t('campaigns.previewHint')}</p>
    </section>
  );
}
