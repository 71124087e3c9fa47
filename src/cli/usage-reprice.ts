import type { RepriceResult } from '../core/usage/index.js';
import { openCore } from './common.js';

/** USD as a plain decimal, to a billionth of a dollar. */
const usd = (x: number) => `$${x.toFixed(9).replace(/\.?0+$/, '')}`;

/**
 * Re-prices the usage recorded from `since` (a day, UTC) on with the current model catalog
 * (core/usage/reprice.ts) and prints what changed on stdout.
 */
export async function repriceUsage(since: number, options: { dryRun: boolean }): Promise<void> {
  const { core, close } = await openCore();
  try {
    process.stdout.write(`${describe(await core.usage.repricing.reprice(since, options))}\n`);
  } finally {
    await close();
  }
}

function describe(r: RepriceResult): string {
  const day = new Date(r.since * 1000).toISOString().slice(0, 10);
  if (r.days === 0) return `nothing to re-price: no usage recorded since ${day}`;
  if (r.lines === 0) {
    return `nothing to re-price: the stored costs of the ${r.days} days with usage since ${day} match the current model catalog`;
  }
  const verb = r.dryRun ? 'would re-price' : 're-priced';
  return [
    `${verb} ${r.lines} cost lines on ${r.changedDays} of the ${r.days} days with usage since ${day}: ${usd(r.before)} → ${usd(r.after)}`,
    ...r.byModel.map((m) => `  ${m.model}: ${usd(m.before)} → ${usd(m.after)}`),
    r.dryRun ? '(dry run: nothing was written)' : 'audited as organization.updated (changes_requested.usage_repriced)',
  ].join('\n');
}
