import { CompiledQuery, type Kysely } from 'kysely';
import type { DB } from './schema.js';
import type { SqliteWriter } from './sqlite-writer.js';
import { yieldToEventLoop } from '../yield.js';

/**
 * One statement of a write script: SQL text in the dialect's parameter style, and its parameters
 * (all-numeric ones as a Float64Array: handed to the writer thread without copying).
 */
export interface WriteStatement {
  sql: string;
  parameters: unknown[] | Float64Array;
}

/**
 * The first `statements` statements of a script must write `rows` rows in all; each is an
 * `insert … on conflict … returning …` (e.g. one that must insert every row, skipping none).
 * Otherwise the script's transaction is rolled back and the rows they returned are handed back.
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

class GuardFailed extends Error {
  constructor(readonly returned: unknown[][]) {
    super('write guard failed');
  }
}

/**
 * Runs a script of statements as one transaction: on the SQLite writer thread when there is one
 * (the main thread stays free), otherwise through Kysely, yielding to the event loop between
 * statements.
 */
export async function runWriteScript(db: Kysely<DB>, writer: SqliteWriter | undefined, statements: readonly WriteStatement[], guard: WriteGuard): Promise<WriteOutcome> {
  if (writer) return writer.transaction(statements, guard);
  try {
    return await db.transaction().execute(async (tx) => {
      const returned: unknown[][] = [];
      for (let i = 0; i < statements.length; i++) {
        if (i > 0) await yieldToEventLoop();
        const { sql, parameters } = statements[i];
        const { rows } = await tx.executeQuery<Record<string, unknown>>(CompiledQuery.raw(sql, Array.isArray(parameters) ? parameters : Array.from(parameters)));
        if (i >= guard.statements) continue;
        for (const row of rows) returned.push(Object.values(row));
        if (i === guard.statements - 1 && returned.length !== guard.rows) throw new GuardFailed(returned);
      }
      return { committed: true, returned: guard.keep ? returned : [] };
    });
  } catch (err) {
    if (err instanceof GuardFailed) return { committed: false, returned: err.returned };
    throw err;
  }
}
