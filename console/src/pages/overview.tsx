import { useQuery } from '@tanstack/preact-query';
import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import { allBuckets, api, listAll, serverNow } from '../api';
import { Chart } from '../chart';
import { DEMO_HINT, Empty, ErrorMessage, fmtCompact, fmtMoney, fmtNum, Loading, PageHeader, Table } from '../ui';
import { groupOf, metricOf } from '../usage-data';

const DAY = 86400;

function sumBy(buckets: Array<{ results: any[] }>, key: string, metric: (r: any) => number, names: Record<string, string> = {}) {
  const totals = new Map<string, number>();
  for (const b of buckets) for (const r of b.results) totals.set(groupOf(r, [key], names), (totals.get(groupOf(r, [key], names)) ?? 0) + metric(r));
  return [...totals.entries()].map(([name, value]) => ({ name, value })).sort((a, b) => b.value - a.value).slice(0, 5);
}

/** The last 30 days (UTC, today included) and this month, by the server's clock. */
function ranges() {
  const now = serverNow();
  const today = Math.floor(now / DAY) * DAY;
  const d = new Date(now * 1000);
  return {
    start: today - 29 * DAY,
    monthStart: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000,
    monthName: d.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  };
}

const projectNames = async () => Object.fromEntries((await listAll<{ id: string; name: string }>('/organization/projects?include_archived=true')).map((p) => [p.id, p.name]));

// Three independent queries, so each part of the page shows as soon as its data is in.
async function loadTotals() {
  const { start, monthStart, monthName } = ranges();
  const [daily, monthCosts] = await Promise.all([
    allBuckets<any>('/organization/usage/completions', { start_time: start, bucket_width: '1d', limit: 31 }),
    allBuckets<any>('/organization/costs', { start_time: monthStart, bucket_width: '1d', limit: 31 }),
  ]);
  const sum = (b: { results: any[] }, f: (r: any) => number) => b.results.reduce((a: number, r: any) => a + f(r), 0);
  return {
    monthName,
    x: daily.map((b) => b.start_time),
    requests: daily.map((b) => sum(b, (r) => r.num_model_requests)),
    input: daily.map((b) => sum(b, (r) => r.input_tokens)),
    output: daily.map((b) => sum(b, (r) => r.output_tokens)),
    monthSpend: monthCosts.reduce((a, b) => a + sum(b, (r) => metricOf(r, 'amount')), 0),
  };
}

async function loadTops() {
  const { start } = ranges();
  const [byModel, costsByProject, names] = await Promise.all([
    allBuckets<any>('/organization/usage/completions', { start_time: start, bucket_width: '1d', limit: 31, group_by: ['model'] }),
    allBuckets<any>('/organization/costs', { start_time: start, bucket_width: '1d', limit: 31, group_by: ['project_id'] }),
    projectNames(),
  ]);
  return { topProjects: sumBy(costsByProject, 'project_id', (r) => metricOf(r, 'amount'), names), topModels: sumBy(byModel, 'model', (r) => r.input_tokens + r.output_tokens) };
}

async function loadTopKeys() {
  const { start } = ranges();
  const [byKey, names] = await Promise.all([
    allBuckets<any>('/organization/usage/completions', { start_time: start, bucket_width: '1d', limit: 31, group_by: ['api_key_id', 'project_id'] }),
    projectNames(),
  ]);
  // Each top key is named from its project's key list entry (a deleted key keeps its ID).
  const keyProject = new Map<string, string>();
  for (const b of byKey) for (const r of b.results) if (r.api_key_id && r.project_id) keyProject.set(r.api_key_id, r.project_id);
  const top = sumBy(byKey, 'api_key_id', (r) => r.num_model_requests);
  await Promise.all(
    top.map(async (k) => {
      const projectId = keyProject.get(k.name);
      if (!projectId) return;
      try {
        const key = await api.get<{ name: string }>(`/organization/projects/${projectId}/api_keys/${k.name}`);
        k.name = `${key.name} · ${names[projectId] ?? projectId}`;
      } catch {
        /* deleted */
      }
    }),
  );
  return top;
}

function Part<T>({ q, what, children }: { q: { error: unknown; data: T | undefined }; what: string; children: (d: T) => ComponentChildren }) {
  if (q.error) return <ErrorMessage error={q.error} />;
  if (q.data === undefined) return <Loading what={`Loading ${what}`} />;
  return <>{children(q.data)}</>;
}

export default function Overview() {
  const totals = useQuery({ queryKey: ['overview', 'totals'], queryFn: loadTotals });
  const tops = useQuery({ queryKey: ['overview', 'tops'], queryFn: loadTops });
  const keys = useQuery({ queryKey: ['overview', 'keys'], queryFn: loadTopKeys });
  return (
    <>
      <PageHeader title="Overview" />
      <Part q={totals} what="this month's usage">
        {(data) => <Totals data={data} />}
      </Part>
      <div class="grid3">
        <section class="panel">
          <h2>Top projects by cost</h2>
          <Part q={tops} what="projects">
            {(d) => <Table caption="Top projects" rows={d.topProjects} columns={[{ label: 'Project', cell: (r) => r.name }, { label: 'Cost, 30 days', cell: (r) => fmtMoney(r.value), numeric: true }]} empty="No costs yet." />}
          </Part>
        </section>
        <section class="panel">
          <h2>Top models by tokens</h2>
          <Part q={tops} what="models">
            {(d) => <Table caption="Top models" rows={d.topModels} columns={[{ label: 'Model', cell: (r) => r.name }, { label: 'Tokens, 30 days', cell: (r) => fmtCompact(r.value), numeric: true }]} empty="No model usage yet." />}
          </Part>
        </section>
        <section class="panel">
          <h2>Top keys by requests</h2>
          <Part q={keys} what="keys">
            {(top) => (
              <Table
                caption="Top API keys"
                rows={top}
                columns={[
                  { label: 'API key', cell: (r) => (r.name.startsWith('key_') ? <code>{r.name}</code> : r.name) },
                  { label: 'Requests, 30 days', cell: (r) => fmtNum(r.value), numeric: true },
                ]}
                empty="No key usage yet."
              />
            )}
          </Part>
        </section>
      </div>
    </>
  );
}

function Totals({ data }: { data: Awaited<ReturnType<typeof loadTotals>> }) {
  // Stable series: the charts redraw only when their data changes, not when the page re-renders.
  const requests = useMemo(() => [{ label: 'Requests', values: data.requests }], [data]);
  const tokens = useMemo(() => [{ label: 'Input tokens', values: data.input }, { label: 'Output tokens', values: data.output }], [data]);
  const totalRequests = data.requests.reduce((a, b) => a + b, 0);
  const totalTokens = data.input.reduce((a, b) => a + b, 0) + data.output.reduce((a, b) => a + b, 0);
  return (
    <>
      <section class="cards" aria-label="Totals">
        <div class="card">
          <h2>Spend in {data.monthName}</h2>
          <p class="big" data-testid="month-spend">
            {fmtMoney(data.monthSpend)}
          </p>
          <p class="muted">No spend limits are set (limits arrive with the policies feature).</p>
        </div>
        <div class="card">
          <h2>Requests, last 30 days</h2>
          <p class="big">{fmtNum(totalRequests)}</p>
        </div>
        <div class="card">
          <h2>Tokens, last 30 days</h2>
          <p class="big">{fmtCompact(totalTokens)}</p>
        </div>
      </section>
      {totalRequests === 0 ? (
        <Empty>No usage in the last 30 days. {DEMO_HINT}</Empty>
      ) : (
        <div class="grid2">
          <section class="panel">
            <h2>Requests per day</h2>
            <Chart x={data.x} series={requests} bars label="Completions requests per day, last 30 days" format={fmtCompact} height={220} />
          </section>
          <section class="panel">
            <h2>Tokens per day</h2>
            <Chart
              x={data.x}
              series={tokens}
              stacked
              bars
              label="Completions tokens per day, input and output, last 30 days"
              format={fmtCompact}
              height={220}
            />
          </section>
        </div>
      )}
    </>
  );
}
