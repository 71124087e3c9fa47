import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import { ApiError } from '../platform/errors.js';
import { CliError, openCore } from './common.js';

export interface ImportOptions {
  batch: number;
  /** First line to read (1-based): resumes an import that failed after its earlier lines were stored. */
  fromLine: number;
}

/**
 * Imports usage records from a JSONL file (one record per line, as the ingestion endpoint takes
 * them; `-` reads stdin) through the ingestion service, a batch at a time, with a progress bar on
 * a terminal. Each batch is stored atomically and records already stored count as duplicates, so
 * an import that failed can be run again, or resumed with --from-line at the line it names.
 */
export async function importUsage(file: string, options: ImportOptions): Promise<void> {
  let size = 0;
  if (file !== '-') {
    try {
      size = statSync(file).size;
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
  }
  const { core, close } = await openCore();
  const { ingestion, records } = core.usage;
  const stream = file === '-' ? process.stdin : createReadStream(file);
  const input = createInterface({ input: stream, crlfDelay: Infinity });
  const bar = process.stderr.isTTY && size > 0
    ? new SingleBar({ stream: process.stderr, format: '{bar} {percentage}% | {lines} lines | {accepted} accepted, {duplicates} duplicates, {unpriced} unpriced', hideCursor: true })
    : undefined;
  const counts = { line: 0, accepted: 0, duplicates: 0, unpriced: 0 };
  /** The first line not yet stored (everything before it is). */
  let storedThrough = options.fromLine;
  let batch: unknown[] = [];
  let lines: number[] = [];
  const started = Date.now();
  bar?.start(size, 0, { lines: 0, accepted: 0, duplicates: 0, unpriced: 0 });
  const flush = async () => {
    if (!batch.length) return;
    try {
      const result = await ingestion.record(await records.validate(batch));
      counts.accepted += result.accepted;
      counts.duplicates += result.duplicates;
      counts.unpriced += result.unpriced;
    } catch (err) {
      // Name the file's line rather than the position in the batch.
      const index = err instanceof ApiError ? /^records\[(\d+)\]\.?(.*)$/.exec(err.param ?? '') : null;
      const where = index ? `line ${lines[Number(index[1])]}: ${(err as ApiError).message}${index[2] ? ` (${index[2]})` : ''}` : (err as Error).message;
      throw new CliError(`${file}: ${where}\n${resumeHint(storedThrough, file)}`);
    }
    storedThrough = counts.line + 1;
    batch = [];
    lines = [];
    bar?.update((stream as { bytesRead?: number }).bytesRead ?? 0, { lines: counts.line, ...counts });
  };
  try {
    for await (const text of input) {
      counts.line++;
      if (counts.line < options.fromLine || !text.trim()) continue;
      try {
        batch.push(JSON.parse(text));
      } catch {
        throw new CliError(`${file}: line ${counts.line}: not valid JSON\n${resumeHint(storedThrough, file)}`);
      }
      lines.push(counts.line);
      if (batch.length >= options.batch) await flush();
    }
    await flush();
  } finally {
    bar?.stop();
    await close();
  }
  const seconds = Math.max((Date.now() - started) / 1000, 0.001);
  process.stderr.write(
    `${counts.line} lines read, ${counts.accepted} accepted, ${counts.duplicates} duplicates, ${counts.unpriced} unpriced, ` +
      `${Math.round((counts.accepted + counts.duplicates) / seconds)} records/s\n`,
  );
  if (counts.unpriced > 0) process.stderr.write('note: unpriced records cost 0 until the model catalog prices them and `orgplane usage reprice` runs\n');
}

function resumeHint(line: number, file: string): string {
  return line <= 1
    ? 'Nothing from this file was stored by this run.'
    : `Lines before ${line} are stored. Fix the file and run the import again (stored records count as duplicates), or resume: orgplane usage import ${file} --from-line ${line}`;
}
