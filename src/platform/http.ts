import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { yieldToEventLoop } from './yield.js';

/** Bytes of a response handed to the socket in one event-loop turn. */
const TURN_BYTES = 1024 * 1024;

/**
 * Sends a response that comes as UTF-8 JSON written to the response schema, in parts: as it is,
 * without joining the parts (megabytes of results are written to the socket from where they are),
 * and at most about TURN_BYTES per event-loop turn: while the client reads as fast as the server
 * writes (as over loopback), the socket takes every part at once, and copying 16 MB into it would
 * hold the event loop for 100 ms.
 */
export function sendJsonParts(reply: FastifyReply, parts: Buffer[]): FastifyReply {
  let length = 0;
  for (const p of parts) length += p.length;
  return reply.type('application/json').header('content-length', length).send(Readable.from(paced(parts), { objectMode: false }));
}

/** The parts, with a turn of the event loop after every TURN_BYTES or so. */
export async function* paced(parts: Buffer[]): AsyncGenerator<Buffer> {
  let turn = 0;
  for (const part of parts) {
    if (turn >= TURN_BYTES) {
      await yieldToEventLoop();
      turn = 0;
    }
    turn += part.length;
    yield part;
  }
}
