import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { DB } from './schema.js';

const MARK = '\u0000param:';

/** A named parameter inside a query given to `prepared`. */
export const param = <T>(name: string): T => (MARK + name) as T;

/**
 * A query built and compiled once per database, then run with values for its named parameters.
 * For the hottest paths (every request authenticates): building and compiling a Kysely query
 * costs more than running it.
 */
export function prepared<Row, P extends Record<string, unknown>>(build: (db: Kysely<DB>) => Compilable<Row>) {
  const cache = new WeakMap<Kysely<DB>, { sql: string; parameters: readonly unknown[]; slots: (string | undefined)[] }>();
  return async (db: Kysely<DB>, values: P): Promise<Row[]> => {
    let entry = cache.get(db);
    if (!entry) {
      const compiled = build(db).compile();
      const slots = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(MARK) ? p.slice(MARK.length) : undefined));
      entry = { sql: compiled.sql, parameters: compiled.parameters, slots };
      cache.set(db, entry);
    }
    const { sql, parameters, slots } = entry;
    const result = await db.executeQuery<Row>(CompiledQuery.raw(sql, parameters.map((p, i) => (slots[i] === undefined ? p : values[slots[i]!]))));
    return result.rows;
  };
}
