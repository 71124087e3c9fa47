import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { DB } from './schema.js';

const MARK = '\u0000param:';

/** A named parameter inside a query given to `prepared`. */
export const param = <T>(name: string): T => (MARK + name) as T;

/**
 * A query on `db` built and compiled once (on first use), then run with values for its named
 * parameters. For the hottest paths (every request authenticates): building and compiling a
 * Kysely query costs more than running it. The compiled text is kept by the returned function.
 */
export function prepared<Row, P extends Record<string, unknown>>(db: Kysely<DB>, build: (db: Kysely<DB>) => Compilable<Row>) {
  let entry: { sql: string; parameters: readonly unknown[]; slots: (string | undefined)[] } | undefined;
  return async (values: P): Promise<Row[]> => {
    if (!entry) {
      const compiled = build(db).compile();
      const slots = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(MARK) ? p.slice(MARK.length) : undefined));
      entry = { sql: compiled.sql, parameters: compiled.parameters, slots };
    }
    const { sql, parameters, slots } = entry;
    const result = await db.executeQuery<Row>(CompiledQuery.raw(sql, parameters.map((p, i) => (slots[i] === undefined ? p : values[slots[i]!]))));
    return result.rows;
  };
}
