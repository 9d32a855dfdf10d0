// What routes call: a task in the shared worker pool, its time-out told as an API error.

import { ApiError } from '../errors.ts';
import { SheetWorkTimeout, sheetPool } from './pool.ts';
import type { TaskAnswer, TaskArgs, TaskName } from './tasks.ts';

export type { ImportAnswer, LintAnswer, PlanAnswer } from './tasks.ts';

export async function sheetWork<T extends TaskName>(task: T, args: TaskArgs<T>): Promise<TaskAnswer<T>> {
  try {
    return await sheetPool().run(task, args);
  } catch (e) {
    if (e instanceof SheetWorkTimeout) {
      throw new ApiError(503, 'sheet_work_timeout', `The ${task === 'import' ? 'import' : `sheet ${task}`} took too long and was stopped; try a smaller sheet, or try again later.`);
    }
    throw e;
  }
}
