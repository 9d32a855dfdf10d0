import { Link } from 'react-router';
import { useT } from '../../i18n/index.ts';
import { Empty } from '../../ui/feedback.tsx';

export function NotFoundPage() {
  const t = useT();
  return (
    <Empty
      title={t('common.notFoundTitle')}
      action={
        <Link to="/" className="btn">
          {t('common.backHome')}
        </Link>
      }
    >
      {t('common.notFoundBody')}
    </Empty>
  );
}
