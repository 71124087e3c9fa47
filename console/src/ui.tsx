import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/preact-query';
import { api, ApiError } from './api';

export const fmtDate = (unix: number | null | undefined) => (unix == null ? '—' : new Date(unix * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC');
export const fmtDay = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);
const num = new Intl.NumberFormat('en-US');
export const fmtNum = (n: number) => num.format(Math.round(n));
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const fmtMoney = (n: number) => money.format(n);
export const fmtCompact = (n: number) => new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);

/** A GET on the admin API, cached by path. */
export function useApi<T = any>(path: string | null, options: { refetchInterval?: number } = {}) {
  return useQuery<T, ApiError>({ queryKey: [path], queryFn: () => api.get<T>(path!), enabled: path !== null, ...options });
}

/** A change through the admin API; on success every cached read is refreshed. */
export function useChange<V, R = any>(fn: (vars: V) => Promise<R>, onSuccess?: (result: R, vars: V) => void) {
  const client = useQueryClient();
  return useMutation<R, ApiError, V>({
    mutationFn: fn,
    onSuccess: async (result, vars) => {
      onSuccess?.(result, vars);
      await client.invalidateQueries();
    },
  });
}

/** An API error, naming the field it is about. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : new ApiError(0, String((error as Error)?.message ?? error));
  return (
    <div class="error" role="alert">
      {e.param ? (
        <>
          <strong>
            Field <code>{e.param}</code>:
          </strong>{' '}
        </>
      ) : null}
      {e.message}
      {e.code ? <span class="muted"> ({e.code})</span> : null}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

/** Shows a query's loading and error states, then its data. */
export function Loaded<T>({ q, children }: { q: { isPending: boolean; error: unknown; data: T | undefined }; children: (data: T) => ComponentChildren }) {
  if (q.error) return <ErrorMessage error={q.error} />;
  if (q.isPending || q.data === undefined) return <Loading />;
  return <>{children(q.data)}</>;
}

export interface Column<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
  numeric?: boolean;
}

export function Table<T>({ columns, rows, caption, empty, rowKey }: { columns: Column<T>[]; rows: T[]; caption: string; empty?: ComponentChildren; rowKey?: (row: T, i: number) => string }) {
  if (rows.length === 0) return <Empty>{empty ?? `No ${caption.toLowerCase()} yet.`}</Empty>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" class={c.numeric ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={rowKey ? rowKey(row, i) : String(i)}>
              {columns.map((c) => (
                <td class={c.numeric ? 'num' : undefined}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A labelled form control; marks itself invalid when the API's error names it. */
export function Field({ label, name, error, children, hint }: { label: string; name: string; error?: unknown; children: (props: { id: string; name: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => JSX.Element; hint?: string }) {
  // Unique per field (several forms on a page may have a field of the same name).
  const id = `f${useId()}-${name}`;
  const invalid = error instanceof ApiError && error.param === name;
  return (
    <div class={`field${invalid ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, name, 'aria-invalid': invalid || undefined, 'aria-describedby': hint ? `${id}-hint` : undefined })}
      {hint ? (
        <small id={`${id}-hint`} class="muted">
          {hint}
        </small>
      ) : null}
    </div>
  );
}

/** Form values by field name. */
export function formValues(event: Event): Record<string, string> {
  event.preventDefault();
  const data = new FormData(event.currentTarget as HTMLFormElement);
  const out: Record<string, string> = {};
  for (const [k, v] of data.entries()) out[k] = String(v);
  return out;
}

/** A secret the API returns once: shown with a copy button until dismissed. */
export function SecretOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret" role="region" aria-label={label}>
      <p>
        <strong>{label}.</strong> Copy it now: it is shown only once and cannot be retrieved later.
      </p>
      <div class="row">
        <input class="mono" readOnly value={value} aria-label={label} data-testid="secret-value" onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
        <button
          type="button"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              setCopied(true);
            } catch {
              setCopied(false);
            }
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

export function Tabs<K extends string>({ tabs, current, onChange, label }: { tabs: Array<[K, string]>; current: K; onChange: (k: K) => void; label: string }) {
  return (
    <div role="tablist" aria-label={label} class="tabs">
      {tabs.map(([k, text]) => (
        <button
          type="button"
          role="tab"
          id={`tab-${k}`}
          aria-selected={k === current}
          tabIndex={k === current ? 0 : -1}
          onClick={() => onChange(k)}
          onKeyDown={(e) => {
            const i = tabs.findIndex(([t]) => t === k);
            const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : null;
            if (next) {
              e.preventDefault();
              onChange(next[0]);
              (document.getElementById(`tab-${next[0]}`) as HTMLElement | null)?.focus();
            }
          }}
        >
          {text}
        </button>
      ))}
    </div>
  );
}

export function Badge({ children, tone = 'neutral' }: { children: ComponentChildren; tone?: 'neutral' | 'good' | 'warn' | 'bad' }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

/** A page's title; focus moves to it when the page appears, so keyboard and screen-reader users land on it. */
export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus({ preventScroll: true }), []);
  return (
    <header class="page-header">
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children ? <div class="actions">{children}</div> : null}
    </header>
  );
}

export function Code({ children }: { children: ComponentChildren }) {
  return <code class="mono">{children}</code>;
}

export const DEMO_HINT = (
  <>
    To see the console with a realistic organization, run <code>npm run usage:demo</code> (it creates demo projects, users and keys and a month of
    usage), then reload.
  </>
);
