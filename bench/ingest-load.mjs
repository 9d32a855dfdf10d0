// The ingest bench's load: `count` Telegram updates POSTed by `concurrency` clients over keep-alive,
// as Telegram's webhook delivery does. It runs in a worker thread of its own (see runLoad in
// ingest.ts): the platform's side is not the server's, so the clients must not share its event loop.

import { Agent, request } from 'node:http';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Update `i`: a group message from one of 2,000 people in 200 groups, one join in ten. */
export function update(i) {
  const chat = { id: -1_000_000_000_000 - (i % 200), type: 'supergroup', title: `Camp ${i % 200}` };
  const from = { id: 10_000 + (i % 2000), is_bot: false, first_name: `P${i % 2000}` };
  const date = 1_767_225_600 + Math.floor(i / 100);
  if (i % 10 === 9) {
    const joiner = { id: 100_000 + i, is_bot: false, first_name: `New ${i}` };
    return JSON.stringify({ update_id: i, message: { message_id: i, from: joiner, chat, date, new_chat_members: [joiner] } });
  }
  return JSON.stringify({ update_id: i, message: { message_id: i, from, chat, date, text: `message ${i}: 今天的作业在哪里交` } });
}

/** `count` POSTs of updates `from`… by `concurrency` clients; resolves to the seconds taken. */
export async function load({ port, path, headers, count, from = 0, concurrency }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  let next = from;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < from + count; i = next++) await post(update(i));
    }),
  );
  agent.destroy();
  return (performance.now() - started) / 1000;
}

if (!isMainThread && parentPort) {
  load(workerData).then(
    (seconds) => parentPort.postMessage({ seconds }),
    (err) => parentPort.postMessage({ error: String(err?.message ?? err) }),
  );
}
