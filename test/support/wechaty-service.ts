// The mock WeChat of wechaty-mock.ts served over Wechaty's puppet-service protocol (gRPC, the
// protocol every hosted puppet — padlocal, the paid "service" tokens — speaks to Wechaty), on
// 127.0.0.1 with a random port, plus a small HTTP control API so that a process other than the
// test (a worker in a child process) can be pointed at it and the test can still drive and
// inspect the WeChat side:
//   GET  /state                                   → { me, room, contacts, rooms, sent }
//   POST /login  /scan {value?}
//   POST /join    {roomId, contactId, inviterId}  → room-join
//   POST /leave   {roomId, contactId, removerId}  → room-leave
//   POST /topic   {roomId, topic, changerId}      → room-topic
//   POST /message {roomId, talkerId, text, mentionIds?}
//   POST /fail    {op, failure, count?}           → the next calls of `op` fail

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { PuppetServer } from 'wechaty-puppet-service';
import { createMockWeChat, type MockFailure, type MockOperation, type MockWeChat } from './wechaty-mock.ts';

export interface MockPuppetService {
  world: MockWeChat;
  /** host:port of the gRPC puppet service. */
  endpoint: string;
  token: string;
  /** Base URL of the HTTP control API. */
  controlUrl: string;
  /** The connector options that reach this service: `{ puppet, puppetToken, puppetOptions }`. */
  connectorConfig: { puppet: string; puppetToken: string; puppetOptions: Record<string, unknown> };
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

function readBody(req: import('node:http').IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
    });
    req.on('end', () => {
      try {
        resolve(data ? (JSON.parse(data) as Record<string, unknown>) : {});
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

function control(world: MockWeChat): Server {
  const { mocker, puppet } = world;
  const room = (body: Record<string, unknown>) => mocker.RoomMock.load(String(body.roomId ?? world.room.id));
  const contact = (v: unknown) => mocker.ContactMock.load(String(v));
  return createServer(async (req, res) => {
    try {
      const body = req.method === 'POST' ? await readBody(req) : {};
      switch (`${req.method} ${req.url}`) {
        case 'GET /state':
          return reply(res, 200, {
            me: world.me.id,
            room: world.room.id,
            contacts: Object.fromEntries([world.alice, world.bob, world.carol].map((c) => [c.payload.name, c.id])),
            rooms: [...mocker.cacheRoomPayload.values()],
            sent: puppet.sent,
          });
        case 'POST /login':
          world.login();
          return reply(res, 200, { ok: true });
        case 'POST /scan':
          world.showLoginQr(typeof body.value === 'string' ? body.value : undefined);
          return reply(res, 200, { ok: true });
        case 'POST /join':
          room(body).add(contact(body.contactId)).by(contact(body.inviterId));
          return reply(res, 200, { ok: true });
        case 'POST /leave':
          room(body).remove(contact(body.contactId)).by(contact(body.removerId ?? body.contactId));
          return reply(res, 200, { ok: true });
        case 'POST /topic':
          room(body).topic(String(body.topic)).by(contact(body.changerId));
          return reply(res, 200, { ok: true });
        case 'POST /message': {
          const mentions = Array.isArray(body.mentionIds) ? body.mentionIds.map(contact) : [];
          contact(body.talkerId).say(String(body.text), mentions).to(room(body));
          return reply(res, 200, { ok: true });
        }
        case 'POST /fail':
          puppet.failNext(body.op as MockOperation, body.failure as MockFailure, Number(body.count ?? 1));
          return reply(res, 200, { ok: true });
        default:
          return reply(res, 404, { error: `no such control route: ${req.method} ${req.url}` });
      }
    } catch (err) {
      return reply(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  });
}

function reply(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Starts the mock WeChat behind a puppet service on 127.0.0.1; `close()` stops both servers. */
export async function startMockPuppetService(world: MockWeChat = createMockWeChat()): Promise<MockPuppetService> {
  const port = await freePort();
  const endpoint = `127.0.0.1:${port}`;
  // "insecure_" tokens are the puppet-service convention for a plain-text (no TLS) local service.
  const token = `insecure_${randomUUID()}`;
  const grpc = new PuppetServer({ endpoint, puppet: world.puppet, token, tls: { disable: true } });
  await grpc.start();
  const http = control(world);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('control API did not get a port');
  return {
    world,
    endpoint,
    token,
    controlUrl: `http://127.0.0.1:${address.port}`,
    connectorConfig: { puppet: 'wechaty-puppet-service', puppetToken: token, puppetOptions: { endpoint, tls: { disable: true } } },
    async close() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await grpc.stop();
      await world.puppet.stop().catch(() => undefined);
    },
  };
}
