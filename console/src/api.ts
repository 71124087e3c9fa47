// Everything the console reads or changes goes through the public admin API (/v1/organization/...),
// authenticated by the session cookie; requests that change something carry the CSRF token.

export interface Session {
  object: 'console.session';
  csrf_token: string;
  expires_at: number;
  api_key_id: string;
  /** The server's clock (Unix seconds) when it answered: time ranges are computed from it. */
  server_time: number;
  user: { id: string; name: string; email: string; role: string } | null;
}

/** An error as the API returns it: `{"error": {message, type, param, code}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

let csrfToken = '';
let clockOffset = 0;

/** Now, by the server's clock (Unix seconds). */
export const serverNow = () => Math.floor(Date.now() / 1000) + clockOffset;
let onSessionEnded: () => void = () => {};

export function setSessionHandlers(token: string, ended: () => void, serverTime?: number): void {
  csrfToken = token;
  if (serverTime !== undefined) clockOffset = serverTime - Math.floor(Date.now() / 1000);
  onSessionEnded = ended;
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check that orgplane is running.');
  }
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const error = parsed?.error;
    const err = new ApiError(res.status, error?.message ?? `Request failed (${res.status}).`, error?.param ?? null, error?.code ?? null);
    if (res.status === 401 && url.startsWith('/v1/')) onSessionEnded();
    throw err;
  }
  return parsed as T;
}

/** Calls the admin API: `path` is below /v1 (e.g. `/organization/projects`). */
export const api = {
  get: <T = any>(path: string) => request<T>('GET', `/v1${path}`),
  post: <T = any>(path: string, body: unknown = {}) => request<T>('POST', `/v1${path}`, body),
  delete: <T = any>(path: string) => request<T>('DELETE', `/v1${path}`),
};

export const sessionApi = {
  current: () => request<Session>('GET', '/console/api/session'),
  signIn: (apiKey: string) => request<Session>('POST', '/console/api/session', { api_key: apiKey }),
  signOut: () => request<unknown>('DELETE', '/console/api/session'),
};

/** Builds a query string the way the SDKs do (`a[]=1&a[]=2` for arrays); skips empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null | readonly string[]>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) parts.push(`${encodeURIComponent(name)}[]=${encodeURIComponent(v)}`);
    else parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export interface List<T> {
  object: 'list';
  data: T[];
  first_id?: string | null;
  last_id?: string | null;
  has_more: boolean;
}

/** Every page of a cursor-paginated list (`after`), up to `max` items. */
export async function listAll<T extends { id: string }>(path: string, max = 1000): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api.get<List<T>>(`${path}${sep}limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    items.push(...page.data);
    if (!page.has_more || page.data.length === 0 || items.length >= max) return items;
    after = page.data[page.data.length - 1].id;
  }
}

export interface Bucket<R> {
  object: 'bucket';
  start_time: number;
  end_time: number;
  results: R[];
}

/** Every page of a usage or costs query (`page` / `next_page`). */
export async function allBuckets<R>(path: string, params: Record<string, any>): Promise<Bucket<R>[]> {
  const buckets: Bucket<R>[] = [];
  let page: string | undefined;
  for (let i = 0; i < 100; i++) {
    const res = await api.get<{ data: Bucket<R>[]; has_more: boolean; next_page: string | null }>(path + query({ ...params, page }));
    buckets.push(...res.data);
    if (!res.has_more || !res.next_page) break;
    page = res.next_page;
  }
  return buckets;
}
