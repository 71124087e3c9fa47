import type SQLite from 'better-sqlite3';

/**
 * SQL functions every SQLite connection of orgplane has (the main one and those of the reader and
 * writer threads), so that SQL can build JSON whose numbers are written exactly as JavaScript
 * writes them (PostgreSQL gets the same functions from migration 0006):
 * - js_number(x): the JSON text of a number as JSON.stringify writes it ('null' for NULL);
 * - js_round(x, d): Math.round(x * 10^d) / 10^d.
 */
export function registerSqlFunctions(db: SQLite.Database): void {
  db.function('js_number', { deterministic: true }, (x: unknown) => (x === null ? 'null' : String(x)));
  db.function('js_round', { deterministic: true }, (x: unknown, d: unknown) => {
    const scale = 10 ** Number(d);
    return x === null ? null : Math.round(Number(x) * scale) / scale;
  });
}
