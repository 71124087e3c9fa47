// Imports usage records from a JSONL file (one record per line, as the ingestion endpoint takes
// them) through the ingestion service. Usage: tsx src/cli/import-usage.ts <file.jsonl|-> [--batch 5000]
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageIngestion } from '../core/usage/ingestion.js';
import { ApiError } from '../platform/errors.js';
import { intOption, openContext, run } from './common.js';

run(async () => {
  const args = process.argv.slice(2);
  const file = args[0];
  if (!file || file.startsWith('--')) throw new Error('usage: import-usage <file.jsonl|-> [--batch N]');
  const batchSize = intOption(args, 'batch', 5000);
  const { ctx, close } = await openContext();
  const ingestion = new UsageIngestion(ctx);
  const input = createInterface({ input: file === '-' ? process.stdin : createReadStream(file), crlfDelay: Infinity });
  const started = Date.now();
  let line = 0;
  let accepted = 0;
  let duplicates = 0;
  let batch: unknown[] = [];
  let lines: number[] = [];
  const progress = (final = false) => {
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`\r${line} lines read, ${accepted} accepted, ${duplicates} duplicates, ${Math.round((accepted + duplicates) / Math.max(seconds, 0.001))} records/s${final ? '\n' : ''}`);
  };
  const flush = async () => {
    if (!batch.length) return;
    try {
      const result = await ingestion.ingest(await ingestion.parse(batch));
      accepted += result.accepted;
      duplicates += result.duplicates;
    } catch (err) {
      // Name the file's line rather than the position in the batch.
      const index = err instanceof ApiError ? /^records\[(\d+)\]/.exec(err.param ?? '') : null;
      if (index) throw new Error(`line ${lines[Number(index[1])]}: ${err instanceof ApiError ? err.message : ''} (${err instanceof ApiError ? err.param!.replace(/^records\[\d+\]\./, '') : ''})`);
      throw err;
    }
    batch = [];
    lines = [];
    progress();
  };
  try {
    for await (const text of input) {
      line++;
      if (!text.trim()) continue;
      try {
        batch.push(JSON.parse(text));
      } catch {
        throw new Error(`line ${line}: not valid JSON`);
      }
      lines.push(line);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    progress(true);
  } finally {
    await close();
  }
});
