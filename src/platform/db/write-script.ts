import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { DB } from './schema.js';
import type { SqliteWriter } from './sqlite-writer.js';
import { yieldToEventLoop } from '../yield.js';

/**
 * One statement of a write script: SQL text in the database's parameter style, and its parameters
 * (all-numeric ones as a Float64Array: handed to the writer thread without copying).
 */
export interface WriteStatement {
  sql: string;
  parameters: unknown[] | Float64Array;
}

/**
 * The first `statements` statements of a script must write `rows` rows in all; each is an
 * `insert … on conflict … returning …` (e.g. one that must insert every row, skipping none).
 * Otherwise the script is rolled back and the rows they returned are handed back.
 */
export interface WriteGuard {
  statements: number;
  rows: number;
  /** Hand back what the guarded statements returned also when the script committed (default: only when it did not). */
  keep?: boolean;
}

/** Whether the script committed, and the rows its guarded statements returned (each row as an array; see WriteGuard.keep). */
export interface WriteOutcome {
  committed: boolean;
  returned: unknown[][];
}

/** A step of running a script: a savepoint command, or statement `index` (`rows`: hand back the rows it returns). */
export type ScriptStep = { op: 'savepoint' | 'rollback' | 'release' } | { op: 'run'; index: number; rows: boolean };

/** What running a statement did: rows written, and the rows it returned (as arrays) when asked for or at hand. */
export interface StepResult {
  changes: number;
  rows?: unknown[][];
}

/**
 * The rule of a guarded write script, written once for both connections that run scripts (the
 * writer thread's, and a Kysely transaction's): the steps to take, in a savepoint of the script's
 * own. The guarded statements run first; if they did not write `guard.rows` rows, the script is
 * undone and what they would have written (the rows they return) is handed back; otherwise the
 * rest run. The caller sends each step's result back in (`next(result)`).
 */
export function* scriptSteps(count: number, guard: WriteGuard | undefined): Generator<ScriptStep, WriteOutcome, StepResult | undefined> {
  yield { op: 'savepoint' };
  const guarded = guard?.statements ?? 0;
  let returned: unknown[][] = [];
  if (guard && guarded > 0) {
    let written = 0;
    let complete = true;
    for (let i = 0; i < guarded; i++) {
      const result = (yield { op: 'run', index: i, rows: guard.keep === true })!;
      written += result.changes;
      if (result.rows) returned.push(...result.rows);
      else complete = false;
    }
    if (written !== guard.rows) {
      if (!complete) {
        // Which rows they would write: run them again for their rows (undone as well).
        yield { op: 'rollback' };
        returned = [];
        for (let i = 0; i < guarded; i++) returned.push(...(yield { op: 'run', index: i, rows: true })!.rows!);
      }
      yield { op: 'rollback' };
      yield { op: 'release' };
      return { committed: false, returned };
    }
  }
  for (let i = guarded; i < count; i++) yield { op: 'run', index: i, rows: false };
  yield { op: 'release' };
  return { committed: true, returned: guard?.keep ? returned : [] };
}

const CONTROL = { savepoint: sql`savepoint script`, rollback: sql`rollback to savepoint script`, release: sql`release savepoint script` };

/**
 * Runs a script of statements as one transaction: on the SQLite writer thread when there is one
 * (the event loop stays free), otherwise in a Kysely transaction, yielding to the event loop
 * between statements.
 */
export async function runWriteScript(db: Kysely<DB>, writer: SqliteWriter | undefined, statements: readonly WriteStatement[], guard: WriteGuard): Promise<WriteOutcome> {
  if (writer) return writer.transaction(statements, guard);
  return db.transaction().execute(async (tx) => {
    const steps = scriptSteps(statements.length, guard);
    let next = steps.next();
    let ran = 0;
    while (!next.done) {
      const step = next.value;
      let result: StepResult | undefined;
      if (step.op === 'run') {
        if (ran++ > 0) await yieldToEventLoop();
        const { sql: text, parameters } = statements[step.index];
        const { rows } = await tx.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, Array.isArray(parameters) ? parameters : Array.from(parameters)));
        result = { changes: rows.length, rows: rows.map((row) => Object.values(row)) };
      } else {
        await CONTROL[step.op].execute(tx);
      }
      next = steps.next(result);
    }
    return next.value;
  });
}
