// The full setup guides (docs/connectors/*.md), bundled so the console can show them in place.
import telegram from '../../../../docs/connectors/telegram.md?raw';
import wechaty from '../../../../docs/connectors/wechaty.md?raw';
import wecom from '../../../../docs/connectors/wecom.md?raw';
import type { ChannelKind } from '../../types.ts';

export const GUIDES: Partial<Record<ChannelKind, { file: string; text: string }>> = {
  telegram: { file: 'docs/connectors/telegram.md', text: telegram },
  wecom: { file: 'docs/connectors/wecom.md', text: wecom },
  wechaty: { file: 'docs/connectors/wechaty.md', text: wechaty },
};
