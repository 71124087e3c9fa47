import { useQuery } from '@tanstack/preact-query';
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

async function loadOverview() {
  const now = serverNow();
  const today = Math.floor(now / DAY) * DAY;
  const start = today - 29 * DAY;
  const d = new Date(now * 1000);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  const [daily, byModel, byKey, monthCosts, costsByProject, projects] = await Promise.all([
    allBuckets<any>('/organization/usage/completions', { start_time: start, bucket_width: '1d', limit: 31 }),
    allBuckets<any>('/organization/usage/completions', { start_time: start, bucket_width: '1d', limit: 31, group_by: ['model'] }),
    allBuckets<any>('/organization/usage/completions', { start_time: start, bucket_width: '1d', limit: 31, group_by: ['api_key_id', 'project_id'] }),
    allBuckets<any>('/organization/costs', { start_time: monthStart, bucket_width: '1d', limit: 31 }),
    allBuckets<any>('/organization/costs', { start_time: start, bucket_width: '1d', limit: 31, group_by: ['project_id'] }),
    listAll<{ id: string; name: string }>('/organization/projects?include_archived=true'),
  ]);
  const names = Object.fromEntries(projects.map((p) => [p.id, p.name]));
  // The top keys by name: each key is looked up in its project (keys without a project stay IDs).
  const keyProject = new Map<string, string>();
  for (const b of byKey) for (const r of b.results) if (r.api_key_id && r.project_id) keyProject.set(r.api_key_id, r.project_id);
  const topKeys = sumBy(byKey, 'api_key_id', (r) => r.num_model_requests);
  await Promise.all(
    topKeys.map(async (k) => {
      const projectId = keyProject.get(k.name);
      if (!projectId) return;
      try {
        const key = await api.get<{ name: string }>(`/organization/projects/${projectId}/api_keys/${k.name}`);
        k.name = `${key.name} · ${names[projectId] ?? projectId}`;
      } catch {
        /* a deleted key keeps its ID */
      }
    }),
  );
  return {
    x: daily.map((b) => b.start_time),
    requests: daily.map((b) => b.results.reduce((a: number, r: any) => a + r.num_model_requests, 0)),
    input: daily.map((b) => b.results.reduce((a: number, r: any) => a + r.input_tokens, 0)),
    output: daily.map((b) => b.results.reduce((a: number, r: any) => a + r.output_tokens, 0)),
    monthSpend: monthCosts.reduce((a, b) => a + b.results.reduce((s: number, r: any) => s + metricOf(r, 'amount'), 0), 0),
    topProjects: sumBy(costsByProject, 'project_id', (r) => metricOf(r, 'amount'), names),
    topModels: sumBy(byModel, 'model', (r) => r.input_tokens + r.output_tokens),
    topKeys,
    monthName: d.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  };
}

export default function Overview() {
  const q = useQuery({ queryKey: ['overview'], queryFn: loadOverview });
  return (
    <>
      <PageHeader title="Overview" />
      {q.error ? <ErrorMessage error={q.error} /> : null}
      {q.isPending ? <Loading what="Loading this month's usage" /> : null}
      {q.data ? <OverviewBody data={q.data} /> : null}
    </>
  );
}

function OverviewBody({ data }: { data: Awaited<ReturnType<typeof loadOverview>> }) {
  const totalRequests = data.requests.reduce((a, b) => a + b, 0);
  const totalTokens = data.input.reduce((a, b) => a + b, 0) + data.output.reduce((a, b) => a + b, 0);
  return (
    <>
      <section class="cards" aria-label="Totals">
        <div class="card">
          <h2>Spend in {data.monthName}</h2>
          <p class="big" data-testid="month-spend">{fmtMoney(data.monthSpend)}</p>
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
            <Chart x={data.x} series={[{ label: 'Requests', values: data.requests }]} bars label="Completions requests per day, last 30 days" format={fmtCompact} height={220} />
          </section>
          <section class="panel">
            <h2>Tokens per day</h2>
            <Chart
              x={data.x}
              series={[
                { label: 'Input tokens', values: data.input },
                { label: 'Output tokens', values: data.output },
              ]}
              stacked
              bars
              label="Completions tokens per day, input and output, last 30 days"
              format={fmtCompact}
              height={220}
            />
          </section>
        </div>
      )}
      <div class="grid3">
        <section class="panel">
          <h2>Top projects by cost</h2>
          <Table caption="Top projects" rows={data.topProjects} columns={[{ label: 'Project', cell: (r) => r.name }, { label: 'Cost, 30 days', cell: (r) => fmtMoney(r.value), numeric: true }]} empty="No costs yet." />
        </section>
        <section class="panel">
          <h2>Top models by tokens</h2>
          <Table caption="Top models" rows={data.topModels} columns={[{ label: 'Model', cell: (r) => r.name }, { label: 'Tokens, 30 days', cell: (r) => fmtCompact(r.value), numeric: true }]} empty="No model usage yet." />
        </section>
        <section class="panel">
          <h2>Top keys by requests</h2>
          <Table caption="Top API keys" rows={data.topKeys} columns={[{ label: 'API key', cell: (r) => (r.name.startsWith('key_') ? <code>{r.name}</code> : r.name) }, { label: 'Requests, 30 days', cell: (r) => fmtNum(r.value), numeric: true }]} empty="No key usage yet." />
        </section>
      </div>
    </>
  );
}
