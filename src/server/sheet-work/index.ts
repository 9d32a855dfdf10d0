// What routes call: a task in the shared worker pool, its time-out told as an API error.

import { type Msg, msg } from '../../i18n/index.ts';
import { ApiError } from '../errors.ts';
import { SheetWorkTimeout, sheetPool } from './pool.ts';
import type { TaskAnswer, TaskArgs, TaskName } from './tasks.ts';

export type { ImportAnswer, LintAnswer, PlanAnswer } from './tasks.ts';

const TIMED_OUT: Record<TaskName, Msg> = {
  lint: msg('error.sheetWorkTimeout.lint'),
  check: msg('error.sheetWorkTimeout.check'),
  plan: msg('error.sheetWorkTimeout.plan'),
  import: msg('error.sheetWorkTimeout.import'),
};

export async function sheetWork<T extends TaskName>(task: T, args: TaskArgs<T>): Promise<TaskAnswer<T>> {
  try {
    return await sheetPool().run(task, args);
  } catch (e) {
    if (e instanceof SheetWorkTimeout) {
      throw new ApiError(503, 'sheet_work_timeout', TIMED_OUT[task]);
    }
    throw e;
  }
}
