// The zh strings of every area but the first screens' (i18n/index.ts loads this one chunk when a
// page needs them). The excluded list must match the eager one in i18n/index.ts.
import { collect } from '../format.ts';

export default collect(
  import.meta.glob<{ default: Record<string, string> }>(['../zh/*.ts', '!../zh/common.ts', '!../zh/session.ts', '!../zh/leader.ts', '!../zh/team.ts'], { eager: true }),
);
