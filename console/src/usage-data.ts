// What the usage and costs endpoints offer, per kind: the counters worth charting and the groupings.
export interface KindInfo {
  label: string;
  path: string;
  metrics: Array<[string, string]>;
  groupBy: string[];
  widths: string[];
}

const PER_MODEL = ['project_id', 'user_id', 'api_key_id', 'model'];
const ALL_WIDTHS = ['1d', '1h', '1m'];

export const KINDS: Record<string, KindInfo> = {
  costs: { label: 'Costs', path: '/organization/costs', metrics: [['amount', 'Amount (USD)']], groupBy: ['project_id', 'line_item'], widths: ['1d'] },
  completions: {
    label: 'Completions',
    path: '/organization/usage/completions',
    metrics: [
      ['num_model_requests', 'Requests'],
      ['input_tokens', 'Input tokens'],
      ['output_tokens', 'Output tokens'],
      ['input_cached_tokens', 'Cached input tokens'],
      ['input_audio_tokens', 'Input audio tokens'],
      ['output_audio_tokens', 'Output audio tokens'],
    ],
    groupBy: [...PER_MODEL, 'batch', 'service_tier'],
    widths: ALL_WIDTHS,
  },
  embeddings: { label: 'Embeddings', path: '/organization/usage/embeddings', metrics: [['input_tokens', 'Input tokens'], ['num_model_requests', 'Requests']], groupBy: PER_MODEL, widths: ALL_WIDTHS },
  moderations: { label: 'Moderations', path: '/organization/usage/moderations', metrics: [['input_tokens', 'Input tokens'], ['num_model_requests', 'Requests']], groupBy: PER_MODEL, widths: ALL_WIDTHS },
  images: { label: 'Images', path: '/organization/usage/images', metrics: [['images', 'Images'], ['num_model_requests', 'Requests']], groupBy: [...PER_MODEL, 'size', 'source'], widths: ALL_WIDTHS },
  audio_speeches: { label: 'Audio speeches', path: '/organization/usage/audio_speeches', metrics: [['characters', 'Characters'], ['num_model_requests', 'Requests']], groupBy: PER_MODEL, widths: ALL_WIDTHS },
  audio_transcriptions: { label: 'Audio transcriptions', path: '/organization/usage/audio_transcriptions', metrics: [['seconds', 'Seconds'], ['num_model_requests', 'Requests']], groupBy: PER_MODEL, widths: ALL_WIDTHS },
  vector_stores: { label: 'Vector stores', path: '/organization/usage/vector_stores', metrics: [['usage_bytes', 'Bytes']], groupBy: ['project_id'], widths: ALL_WIDTHS },
  code_interpreter_sessions: { label: 'Code interpreter sessions', path: '/organization/usage/code_interpreter_sessions', metrics: [['num_sessions', 'Sessions']], groupBy: ['project_id'], widths: ALL_WIDTHS },
};

/** Largest `limit` (buckets per page) for each bucket width, as the API allows. */
export const MAX_LIMIT: Record<string, number> = { '1d': 31, '1h': 168, '1m': 1440 };
export const WIDTH_SECONDS: Record<string, number> = { '1d': 86400, '1h': 3600, '1m': 60 };

/** A result's value for a metric (costs: its amount). */
export function metricOf(result: any, metric: string): number {
  if (metric === 'amount') return Number(result.amount?.value ?? 0);
  return Number(result[metric] ?? 0);
}

/** The label of a result's group (its grouping fields joined), or "All". */
export function groupOf(result: any, groupBy: string[], names: Record<string, string>): string {
  if (groupBy.length === 0) return 'All';
  return groupBy.map((g) => {
    const v = result[g];
    if (v === null || v === undefined) return '(none)';
    return names[v] ?? String(v);
  }).join(' · ');
}

export interface Pivot {
  x: number[];
  groups: Array<{ label: string; values: number[]; total: number }>;
}

/** Buckets × groups → one series per group (largest first), the rest summed into "Other" past `top`. */
export function pivot(buckets: Array<{ start_time: number; results: any[] }>, metric: string, groupBy: string[], names: Record<string, string>, top = 20): Pivot {
  const x = buckets.map((b) => b.start_time);
  const byGroup = new Map<string, number[]>();
  buckets.forEach((b, i) => {
    for (const r of b.results) {
      const g = groupOf(r, groupBy, names);
      let values = byGroup.get(g);
      if (!values) byGroup.set(g, (values = new Array(x.length).fill(0)));
      values[i] += metricOf(r, metric);
    }
  });
  const groups = [...byGroup.entries()].map(([label, values]) => ({ label, values, total: values.reduce((a, b) => a + b, 0) })).sort((a, b) => b.total - a.total);
  if (groups.length > top) {
    const rest = groups.splice(top - 1);
    const values = x.map((_, i) => rest.reduce((a, g) => a + g.values[i], 0));
    groups.push({ label: `Other (${rest.length})`, values, total: values.reduce((a, b) => a + b, 0) });
  }
  return { x, groups };
}

/** RFC 4180 CSV of every result row: bucket start and end, then the result's fields. */
export function toCsv(buckets: Array<{ start_time: number; end_time: number; results: any[] }>): string {
  const fields = new Set<string>();
  for (const b of buckets) for (const r of b.results) for (const k of Object.keys(r)) if (k !== 'object') fields.add(k);
  const cols = [...fields];
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? String((v as any).value ?? JSON.stringify(v)) : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [['start_time', 'end_time', ...cols].join(',')];
  for (const b of buckets) {
    for (const r of b.results) {
      lines.push([new Date(b.start_time * 1000).toISOString(), new Date(b.end_time * 1000).toISOString(), ...cols.map((c) => cell(r[c]))].join(','));
    }
  }
  return lines.join('\n') + '\n';
}
