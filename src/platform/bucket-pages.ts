import { badRequest } from './errors.js';

/** The buckets of one page: `[from, to)` in aligned bucket starts, `width` seconds apart, and where the next page starts. */
export interface BucketWindow {
  width: number;
  from: number;
  to: number;
  next: number | null;
}

// `page` cursors: "page_" + base64 of two big-endian 64-bit integers, the next bucket's start and the width.
function encodeCursor(start: number, width: number): string {
  const buf = Buffer.alloc(16);
  buf.writeBigInt64BE(BigInt(start), 0);
  buf.writeBigInt64BE(BigInt(width), 8);
  return `page_${buf.toString('base64')}`;
}

function decodeCursor(page: string): { start: number; width: number } | undefined {
  if (!/^page_[A-Za-z0-9+/]{22}==$/.test(page)) return undefined;
  const buf = Buffer.from(page.slice(5), 'base64');
  if (buf.length !== 16) return undefined;
  return { start: Number(buf.readBigInt64BE(0)), width: Number(buf.readBigInt64BE(8)) };
}

/**
 * Resolves the time range, limit and cursor of a request into the window of buckets to return
 * (`now`: the end when none is given). Buckets are aligned to UTC boundaries of the width: the
 * first is the one containing start_time.
 */
export function bucketWindow(now: number, q: { start_time: number; end_time?: number; limit?: number; page?: string }, width: number, limits: { default: number; max: number }): BucketWindow {
  const limit = q.limit ?? limits.default;
  if (limit < 1 || limit > limits.max) throw badRequest(`Invalid 'limit': must be between 1 and ${limits.max} for this bucket width, got ${limit}.`, 'limit', 'invalid_value');
  if (q.end_time !== undefined && q.end_time <= q.start_time) throw badRequest(`Invalid 'end_time': must be after start_time.`, 'end_time', 'invalid_value');
  const end = q.end_time ?? now;
  const first = q.start_time - (q.start_time % width);
  let from = first;
  if (q.page !== undefined) {
    const cursor = decodeCursor(q.page);
    if (!cursor || cursor.width !== width || cursor.start % width !== 0 || cursor.start < first || cursor.start >= Math.max(end, first + width)) {
      throw badRequest(`Invalid 'page': not a cursor of this query.`, 'page', 'invalid_cursor');
    }
    from = cursor.start;
  }
  const to = Math.min(from + limit * width, end);
  const next = from + limit * width < end ? from + limit * width : null;
  return { width, from, to: Math.max(to, from), next };
}

/**
 * The page of every bucket of the window, as UTF-8 JSON in consecutive parts (the buckets' results
 * are not copied), from the JSON of each bucket's results (none: `[]`).
 */
export function pageJson(w: BucketWindow, json: Map<number, Buffer>): Buffer[] {
  // Literal text between the buckets' results is gathered, so that the parts are few.
  const parts: Buffer[] = [];
  let text = '{"object":"page","data":[';
  for (let start = w.from; start < w.to; start += w.width) {
    text += `${start === w.from ? '' : ','}{"object":"bucket","start_time":${start},"end_time":${start + w.width},"results":`;
    const list = json.get(start);
    if (list === undefined || list.length < 256) {
      text += list?.toString() ?? '[]';
    } else {
      parts.push(Buffer.from(text), list);
      text = '';
    }
    text += '}';
  }
  const next = w.next === null ? 'null' : JSON.stringify(encodeCursor(w.next, w.width));
  parts.push(Buffer.from(`${text}],"has_more":${w.next !== null},"next_page":${next}}`));
  return parts;
}
