// What the leader page loads first. The build (web/vite.config.ts) writes a copy of index.html for
// `/leader` that asks the browser for these while it downloads the script, so on a slow phone
// network the tasks arrive together with the code instead of one round trip after it.

/** The open tasks: what the first screen shows. */
export const OPEN_TASKS_URL = '/api/tasks?state=assigned,missed';
