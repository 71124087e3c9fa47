import assert from 'node:assert/strict';
import { it } from 'node:test';
import Fastify from 'fastify';
import { paced, sendJsonParts } from '../../src/platform/http.js';

// 24 parts of 256 KiB (6 MiB), each filled with its own letter.
const parts = Array.from({ length: 24 }, (_, i) => Buffer.alloc(256 * 1024, 97 + i));

it('hands a page to the socket a megabyte or so per event-loop turn', async () => {
  let turns = 0;
  let done = false;
  const tick = () => {
    turns++;
    if (!done) setImmediate(tick);
  };
  setImmediate(tick);
  const seen: Buffer[] = [];
  for await (const part of paced(parts)) seen.push(part);
  done = true;
  assert.deepEqual(seen, parts);
  assert.ok(turns >= 5, `${turns} turns for 6 MiB`);
});

it('sends a page of many parts byte for byte', async () => {
  const app = Fastify();
  app.get('/page', async (_req, reply) => sendJsonParts(reply, parts));
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = app.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/page`);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.headers.get('content-length'), String(6 * 1024 * 1024));
    const body = Buffer.from(await res.arrayBuffer());
    assert.ok(body.equals(Buffer.concat(parts)));
  } finally {
    await app.close();
  }
});
