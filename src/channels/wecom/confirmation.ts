// Did the staff member send the mass message? WeCom's add_msg_template only creates a task; the
// staff member confirms it in the WeCom client. get_groupmsg_task says per staff member whether
// the task was done (status 0 = not sent, 2 = sent); get_groupmsg_send_result says per group or
// customer what happened (0 = not sent, 1 = sent at send_time, 2 = not a contact of the staff
// member, 3 = already received another mass message in the allowed period). This file decides.

export interface GroupMsgTask {
  userid: string;
  status: number;
  send_time?: number;
}

export interface GroupMsgSendResult {
  external_userid?: string;
  chat_id?: string;
  userid: string;
  status: number;
  send_time?: number;
}

export type Confirmation = { state: 'pending' | 'sent' | 'failed'; sentAt?: Date; reason?: string };

const TASK_SENT = 2;

/**
 * `target` is the group's chat_id (posts) or the customer's external_userid (direct messages).
 * A result for the target wins; without one, a finished task means the target was left out.
 */
export function confirmationState(tasks: GroupMsgTask[], results: GroupMsgSendResult[], target: string): Confirmation {
  const mine = results.find((r) => r.chat_id === target || r.external_userid === target);
  if (mine?.status === 1) {
    return mine.send_time ? { state: 'sent', sentAt: new Date(mine.send_time * 1000) } : { state: 'sent' };
  }
  if (mine?.status === 2) {
    return { state: 'failed', reason: 'WeCom did not deliver it: the customer is not a contact of the staff member who sent it.' };
  }
  if (mine?.status === 3) {
    return {
      state: 'failed',
      reason: 'WeCom did not deliver it: this group or customer already received the most mass messages allowed for the period.',
    };
  }
  const sender = mine ? tasks.find((t) => t.userid === mine.userid) : undefined;
  const done = sender ? sender.status === TASK_SENT : tasks.length > 0 && tasks.every((t) => t.status === TASK_SENT);
  if (done) {
    return {
      state: 'failed',
      reason: 'The staff member sent the mass message but not to this group or customer (it was deselected or could not receive it).',
    };
  }
  return { state: 'pending' };
}
