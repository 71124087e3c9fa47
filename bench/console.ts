// The console's speed in Debian's headless Chromium, against a throw-away orgplane with demo data
// (31 days, 20 API keys): how soon the first page is interactive, and how the usage page renders
// 31 days × 20 groups (time, and long tasks — main-thread work over 50 ms — as the Performance API
// reports them). Beside each figure, a baseline measured in the same run.
//   npm run bench:console            (RUNS=10 runs each by default; RECORDS=150000 demo records)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { startDemoServer } from '../scripts/console-demo.js';
import { ensureConsoleBuilt, launchChromium } from '../test/console/browser.js';

const RUNS = Number(process.env.RUNS ?? 10);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs: number[]) => Math.max(0, ...xs);
const ms = (x: number) => `${x.toFixed(0)} ms`;

declare global {
  interface Window {
    __ready?: number;
    __longtasks: Array<[number, number]>;
  }
}

/**
 * In every page: note when the sign-in field first exists, and every long task. (A string: a
 * function compiled by tsx would refer to its helpers, which the page does not have.)
 */
const INIT = `
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    if (window.__ready === undefined && document.querySelector('input[name=api_key]')) window.__ready = performance.now();
  }).observe(document, { childList: true, subtree: true });
`;

async function firstPage(browser: Browser, url: string, warm: boolean) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript({ content: INIT });
  if (warm) {
    await page.goto(url);
    await page.waitForFunction(() => window.__ready !== undefined);
  }
  await page.goto(url);
  await page.waitForFunction(() => window.__ready !== undefined);
  await page.waitForTimeout(100);
  const r = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { ready: window.__ready!, dcl: nav.domContentLoadedEventEnd, long: window.__longtasks.map(([, d]) => d) };
  });
  await context.close();
  return r;
}

/** A trivial document from the same server (/healthz), as a baseline: the browser's floor. */
async function baselinePage(browser: Browser, url: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  const r = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd);
  await context.close();
  return r;
}

/** The main thread's busy time so far (Chrome's TaskDuration), in ms: CPU work, whatever else the machine runs. */
async function busy(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
}

/** Time from a change of the usage form to chart and table drawn, the main thread's work meanwhile, and its long tasks. */
async function usageChange(page: Page, cdp: CDPSession, change: () => Promise<unknown>, rows: number) {
  await page.evaluate(() => (window.__longtasks = []));
  const b0 = await busy(cdp);
  const t0 = await page.evaluate(() => performance.now());
  await change();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=usage-table] tbody tr').length === n && !!document.querySelector('[data-testid=chart] canvas'), rows, { polling: 'raf' });
  const t1 = await page.evaluate(() => performance.now());
  const work = (await busy(cdp)) - b0;
  await page.waitForTimeout(200);
  const long = await page.evaluate((start) => window.__longtasks.filter(([s]) => s >= start).map(([, d]) => d), t0);
  return { ms: t1 - t0, work, long };
}

async function main() {
  ensureConsoleBuilt();
  const assets = 'dist/console/assets';
  const html = readFileSync('dist/console/index.html', 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/console\/assets\/([^"]+)"/g)].map((m) => m[1]);
  const size = (files: string[]) => files.reduce((a, f) => a + gzipSync(readFileSync(`${assets}/${f}`)).length, 0);
  const js = initial.filter((f) => f.endsWith('.js'));
  const all = readdirSync(assets).filter((f) => f.endsWith('.js'));

  process.stderr.write('making the demo organization (31 days, 20 keys)…\n');
  const server = await startDemoServer({ projects: 5, users: 12, keys: 20, records: Number(process.env.RECORDS ?? 150_000), days: 31, seed: 3 });
  const browser = await launchChromium();
  // PRIORITY=1: the server (this process) and Chromium get the cores first (autogroup nice -10),
  // as if the machine were not shared with other work; without it they compete at nice 0.
  let priority = 'nice 0, competing with the machine\'s other work';
  if (process.env.PRIORITY === '1') {
    // Chromium runs in a session (so an autogroup) of its own: this process's child named chromium.
    const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid && stat.includes('(chromium');
      } catch {
        return false;
      }
    });
    try {
      writeFileSync('/proc/self/autogroup', '-10');
      for (const pid of children) writeFileSync(`/proc/${pid}/autogroup`, '-10');
      if (children.length === 0) throw new Error('no chromium');
      priority = 'autogroup nice -10 for the server and Chromium (PRIORITY=1)';
    } catch {
      priority = 'PRIORITY=1 asked, but the nice value could not be lowered';
    }
  }
  try {
    const url = `${server.baseUrl}/console/`;
    const cold = [], warm = [], base = [];
    for (let i = 0; i < RUNS; i++) {
      cold.push(await firstPage(browser, url, false));
      warm.push(await firstPage(browser, url, true));
      base.push(await baselinePage(browser, `${server.baseUrl}/healthz`));
    }

    // Sign in once, then the usage page: 31 daily buckets grouped by API key (20 groups).
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.addInitScript({ content: INIT });
    await page.goto(url);
    await page.getByLabel('Admin API key').fill(server.adminKey);
    const signedIn = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-testid=chart] canvas').first().waitFor();
    const overviewMs = (await page.evaluate(() => performance.now())) - signedIn;
    await page.getByRole('link', { name: 'Usage and costs' }).click();
    await page.getByLabel('Group by').waitFor();
    const end = new Date();
    const start = new Date(end.getTime() - 30 * 86400_000);
    await page.getByLabel('From (UTC)').fill(start.toISOString().slice(0, 10));
    await page.getByTestId('usage-table').waitFor();
    const groups20 = [], groups1 = [], remeasure = [];
    for (let i = 0; i < RUNS; i++) {
      groups20.push(await usageChange(page, cdp, () => page.getByLabel('Group by').selectOption('api_key_id'), 20));
      remeasure.push(await usageChange(page, cdp, () => page.getByLabel('Measure').selectOption(i % 2 ? 'num_model_requests' : 'input_tokens'), 20));
      groups1.push(await usageChange(page, cdp, () => page.getByLabel('Group by').selectOption(''), 1));
    }
    if (process.env.DETAIL) console.error(JSON.stringify({ groups20: groups20.map((r) => [Math.round(r.ms), Math.round(r.work), r.long.map(Math.round)]), remeasure: remeasure.map((r) => [Math.round(r.ms), Math.round(r.work), r.long.map(Math.round)]) }));
    const columns = await page.locator('[data-testid=usage-table] thead th').count();
    await context.close();

    const longOf = (rs: Array<{ long: number[] }>) => rs.flatMap((r) => r.long);
    const out = [
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared), ${priority}, Chromium headless (Debian), ${RUNS} runs each; command: npm run bench:console`,
      `initial JavaScript: ${js.join(', ')} = ${(size(js) / 1024).toFixed(1)} kB gzip (CSS ${(size(initial.filter((f) => f.endsWith('.css'))) / 1024).toFixed(1)} kB); all JavaScript, every page: ${(size(all) / 1024).toFixed(1)} kB gzip`,
      '',
      '| measure | median | worst | baseline (median) |',
      '|---|---|---|---|',
      `| first page (sign-in) interactive, empty cache | ${ms(median(cold.map((r) => r.ready)))} | ${ms(max(cold.map((r) => r.ready)))} | ${ms(median(base))} (DOMContentLoaded of /healthz, a trivial document from the same server) |`,
      `| first page interactive, cached assets | ${ms(median(warm.map((r) => r.ready)))} | ${ms(max(warm.map((r) => r.ready)))} | |`,
      `| long tasks while the first page loads | ${longOf(cold).length} (longest ${ms(max(longOf(cold)))}) | | |`,
      `| sign-in to overview charts drawn (6 API queries) | ${ms(overviewMs)} | | |`,
      `| usage: group by API key → chart + table drawn (31 days × 20 groups, ${columns} columns) | ${ms(median(groups20.map((r) => r.ms)))} | ${ms(max(groups20.map((r) => r.ms)))} | ${ms(median(groups1.map((r) => r.ms)))} (no grouping: 1 group) |`,
      `| usage: main-thread work (CPU) for that, fetch handling included | ${ms(median(groups20.map((r) => r.work)))} | ${ms(max(groups20.map((r) => r.work)))} | ${ms(median(groups1.map((r) => r.work)))} |`,
      `| usage: long tasks over 50 ms while drawing 31 × 20 | ${longOf(groups20).length} in ${RUNS} runs (longest ${ms(max(longOf(groups20)))}) | | ${longOf(groups1).length} (longest ${ms(max(longOf(groups1)))}) |`,
      `| usage: change the measure, same 31 × 20 data (redraw only) | ${ms(median(remeasure.map((r) => r.ms)))} | ${ms(max(remeasure.map((r) => r.ms)))} | |`,
      `| usage: main-thread work (CPU) for that redraw | ${ms(median(remeasure.map((r) => r.work)))} | ${ms(max(remeasure.map((r) => r.work)))} | |`,
      `| usage: long tasks while redrawing | ${longOf(remeasure).length} (longest ${ms(max(longOf(remeasure)))}) | | |`,
    ];
    console.log(out.join('\n'));
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
