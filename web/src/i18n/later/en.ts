// The en strings of every area but the first screens' (i18n/index.ts loads this one chunk when a
// page needs them). The excluded list must match the eager one in i18n/index.ts.
import { collect } from '../format.ts';

export default collect(
  import.meta.glob<{ default: Record<string, string> }>(['../en/*.ts', '!../en/common.ts', '!../en/session.ts', '!../en/leader.ts', '!../en/team.ts'], { eager: true }),
);
