import { useQuery } from '@tanstack/preact-query';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { allBuckets, listAll, serverNow } from '../api';
import { Chart } from '../chart';
import { DEMO_HINT, Empty, ErrorMessage, fmtCompact, fmtDate, fmtMoney, fmtNum, Loading, PageHeader } from '../ui';
import { KINDS, MAX_LIMIT, pivot, toCsv, WIDTH_SECONDS } from '../usage-data';

const DAY = 86400;
const isoDay = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);
const dayOf = (value: string) => Math.floor(Date.parse(`${value}T00:00:00Z`) / 1000);

interface Params {
  kind: string;
  metric: string;
  start: string;
  end: string;
  width: string;
  groupBy: string;
}

export default function Usage() {
  const today = Math.floor(serverNow() / DAY) * DAY;
  const [params, setParams] = useState<Params>({ kind: 'completions', metric: 'num_model_requests', start: isoDay(today - 30 * DAY), end: isoDay(today), width: '1d', groupBy: 'model' });
  const info = KINDS[params.kind];
  const set = (patch: Partial<Params>) => {
    const next = { ...params, ...patch };
    const k = KINDS[next.kind];
    if (!k.metrics.some(([m]) => m === next.metric)) next.metric = k.metrics[0][0];
    if (!k.widths.includes(next.width)) next.width = k.widths[0];
    if (next.groupBy && !k.groupBy.includes(next.groupBy)) next.groupBy = '';
    setParams(next);
  };
  const start = dayOf(params.start);
  const end = dayOf(params.end) + DAY;
  const apiParams: Record<string, any> = { start_time: start, end_time: end, bucket_width: params.width, limit: MAX_LIMIT[params.width], group_by: params.groupBy ? [params.groupBy] : undefined };
  const q = useQuery({ queryKey: ['usage', info.path, apiParams], queryFn: () => allBuckets<any>(info.path, apiParams), enabled: Number.isFinite(start) && Number.isFinite(end) });
  const projects = useQuery({ queryKey: ['project-names'], queryFn: () => listAll<{ id: string; name: string }>('/organization/projects?include_archived=true') });
  const names = useMemo(() => Object.fromEntries((projects.data ?? []).map((p) => [p.id, p.name])), [projects.data]);
  const groupBy = params.groupBy ? [params.groupBy] : [];
  const data = useMemo(() => (q.data ? pivot(q.data, params.metric, groupBy, names) : null), [q.data, params.metric, params.groupBy, names]);
  // The table (groups × buckets: 20 × 31 cells and more) renders in a task of its own after the
  // chart, so that neither holds the main thread long.
  const [table, setTable] = useState<typeof data>(null);
  useEffect(() => {
    const t = setTimeout(() => setTable(data), 0);
    return () => clearTimeout(t);
  }, [data]);
  const series = useMemo(() => (data ? data.groups.map((g) => ({ label: g.label, values: g.values })) : []), [data]);
  const format = params.metric === 'amount' ? fmtMoney : fmtNum;
  const metricLabel = info.metrics.find(([m]) => m === params.metric)?.[1] ?? params.metric;
  const tooMany = (end - start) / WIDTH_SECONDS[params.width] > 20000;

  return (
    <>
      <PageHeader title="Usage and costs">
        <button
          type="button"
          disabled={!q.data}
          onClick={() => {
            const blob = new Blob([toCsv(q.data!)], { type: 'text/csv' });
            const a = document.createElement('a');
            a.href = URL.createObjectURL(blob);
            a.download = `${params.kind}-${params.start}-${params.end}.csv`;
            a.click();
            setTimeout(() => URL.revokeObjectURL(a.href), 1000);
          }}
        >
          Export CSV
        </button>
      </PageHeader>
      <form class="filters" aria-label="Usage query" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="u-kind">Kind</label>
          <select id="u-kind" value={params.kind} onChange={(e) => set({ kind: e.currentTarget.value })}>
            {Object.entries(KINDS).map(([k, v]) => (
              <option value={k}>{v.label}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="u-metric">Measure</label>
          <select id="u-metric" value={params.metric} onChange={(e) => set({ metric: e.currentTarget.value })}>
            {info.metrics.map(([m, label]) => (
              <option value={m}>{label}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="u-start">From (UTC)</label>
          <input id="u-start" type="date" value={params.start} onChange={(e) => set({ start: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="u-end">To (UTC, inclusive)</label>
          <input id="u-end" type="date" value={params.end} onChange={(e) => set({ end: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="u-width">Bucket width</label>
          <select id="u-width" value={params.width} onChange={(e) => set({ width: e.currentTarget.value })}>
            {info.widths.map((w) => (
              <option value={w}>{{ '1d': 'Day', '1h': 'Hour', '1m': 'Minute' }[w]}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="u-group">Group by</label>
          <select id="u-group" value={params.groupBy} onChange={(e) => set({ groupBy: e.currentTarget.value })}>
            <option value="">Nothing</option>
            {info.groupBy.map((g) => (
              <option value={g}>{g}</option>
            ))}
          </select>
        </div>
      </form>
      {tooMany ? <ErrorMessage error={new Error('That range has too many buckets for one chart: choose a shorter range or a wider bucket.')} /> : null}
      {q.error ? <ErrorMessage error={q.error} /> : null}
      {q.isFetching && !q.data ? <Loading what="Loading usage" /> : null}
      {data && data.groups.length === 0 ? <Empty>No {info.label.toLowerCase()} usage in this range. {DEMO_HINT}</Empty> : null}
      {data && data.groups.length > 0 ? (
        <>
          <section class="panel" aria-busy={q.isFetching}>
            <h2>
              {metricLabel} per {{ '1d': 'day', '1h': 'hour', '1m': 'minute' }[params.width]}
              {params.groupBy ? `, by ${params.groupBy}` : ''}
            </h2>
            <Chart x={data.x} series={series} stacked bars label={`${info.label}: ${metricLabel} per bucket, stacked by ${params.groupBy || 'total'}`} format={params.metric === 'amount' ? fmtMoney : fmtCompact} height={320} />
          </section>
          {table ? (
          <section class="panel">
            <h2>Totals by group</h2>
            <div class="table-wrap">
              <table data-testid="usage-table">
                <caption class="sr-only">Totals by group and bucket</caption>
                <thead>
                  <tr>
                    <th scope="col">{params.groupBy || 'Group'}</th>
                    <th scope="col" class="num">
                      Total
                    </th>
                    {table.x.map((t) => (
                      <th scope="col" class="num">
                        {params.width === '1d' ? isoDay(t).slice(5) : fmtDate(t).slice(5, 16)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {table.groups.map((g) => (
                    <tr>
                      <th scope="row">{g.label}</th>
                      <td class="num">{format(g.total)}</td>
                      {g.values.map((v) => (
                        <td class="num">{v ? format(v) : ''}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          ) : null}
        </>
      ) : null}
    </>
  );
}
