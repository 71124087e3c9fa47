import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: number[];
}

export const PALETTE = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#6b6ecf',
];

/**
 * A time chart (uPlot): lines, or bars stacked per time bucket. `x` holds bucket starts (Unix
 * seconds). Stacked bars are drawn as running totals, tallest first; the legend shows each
 * series' own value.
 */
export function Chart({ x, series, stacked = false, bars = false, height = 260, label, format = (v: number) => String(v) }: { x: number[]; series: Series[]; stacked?: boolean; bars?: boolean; height?: number; label: string; format?: (v: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(document.documentElement);
    const ink = css.getPropertyValue('--muted').trim() || '#666';
    const grid = css.getPropertyValue('--line').trim() || '#ddd';
    let drawn = series.map((s) => s.values);
    let order = series.map((_, i) => i);
    if (stacked) {
      const totals: number[][] = [];
      let running = x.map(() => 0);
      for (const s of series) {
        running = running.map((v, i) => v + (s.values[i] ?? 0));
        totals.push(running);
      }
      drawn = totals;
      order = series.map((_, i) => series.length - 1 - i);
    }
    const barPaths = bars ? uPlot.paths.bars!({ size: [0.8, 64], align: 1 }) : undefined;
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      scales: { x: { time: true } },
      axes: [
        { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 70, values: (_u, vals) => vals.map((v) => format(v)) },
      ],
      legend: { live: true },
      cursor: { points: { show: !bars } },
      series: [
        { value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toISOString().slice(0, 16).replace('T', ' ')) },
        ...order.map((i) => ({
          label: series[i].label,
          stroke: PALETTE[i % PALETTE.length],
          fill: bars ? PALETTE[i % PALETTE.length] : undefined,
          width: bars ? 0 : 2,
          paths: barPaths,
          points: { show: false },
          value: (_u: uPlot, _v: number, _si: number, idx: number | null) => (idx == null ? '—' : format(series[i].values[idx] ?? 0)),
        })),
      ],
    };
    const data = [x, ...order.map((i) => drawn[i])] as uPlot.AlignedData;
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, stacked, bars, height]);
  return <div class="chart" ref={box} role="img" aria-label={label} data-testid="chart" />;
}
