import type { AppContext } from '../context.js';
import { BucketCache } from './bucket-cache.js';
import { UsageIngestion } from './ingestion.js';
import { UsageQueries } from './queries.js';
import { RecordValidator } from './records.js';
import { UsageRepricing } from './reprice.js';
import { UsageStore } from './store.js';

export { UsageIngestion } from './ingestion.js';
export { UsageQueries, type BucketRange, type CostsQuestion, type UsageQuestion } from './queries.js';
export { RecordValidator, type IngestOutcome, type IngestRecord, type IngestResult } from './records.js';
export { UsageRepricing, type RepriceResult } from './reprice.js';

/** Usage: the one ingestion service, the queries of the usage and costs endpoints, the check of untrusted records, and re-pricing. */
export interface Usage {
  ingestion: UsageIngestion;
  queries: UsageQueries;
  records: RecordValidator;
  repricing: UsageRepricing;
}

export function createUsage(ctx: AppContext, cacheBytes?: number): Usage {
  const store = new UsageStore(ctx.database);
  return {
    ingestion: new UsageIngestion(store, ctx),
    queries: new UsageQueries(store, new BucketCache(store, cacheBytes)),
    records: new RecordValidator(),
    repricing: new UsageRepricing(store, ctx),
  };
}
