import { redactUrl } from '../redact.js';
import { type Kysely, PostgresAdapter, type SelectQueryBuilder } from 'kysely';

/**
 * Everything in which the SQL orgplane writes by hand differs between SQLite and PostgreSQL. One
 * object per database, chosen when it is opened (`Database.sql`); nothing outside src/platform/db
 * knows which one it got. Expressions are SQL text; `?` stands for a parameter throughout.
 */
export interface SqlSyntax {
  /** `text` with each `?` numbered from `first` (PostgreSQL's `$1, $2, …`; SQLite keeps `?`). */
  numbered(text: string, first?: number): string;
  /** A text expression written as a JSON string, as JSON.stringify writes it. */
  jsonString(expr: string): string;
  /** The texts of `expr` in a group, joined by `separator` (an SQL string literal), in `orderBy` order. */
  stringAgg(expr: string, separator: string, orderBy?: string): string;
  /** The character with this code, as an SQL text expression. */
  char(code: number): string;
  /** Math.round(expr) for expr >= 0 (halves up), as a floating-point value. */
  roundHalfUp(expr: string): string;
  /** `units / 10^decimals` as a plain decimal text with exactly `decimals` digits after the point (units a whole number, 0 <= units < 2^63). */
  fixedDecimal(units: string, decimals: number): string;
  /** Whether a floating-point expression holds a whole number. */
  isWhole(expr: string): string;
  /** A whole-number floating-point expression as integer text (`3`, not `3.0`). */
  integerText(expr: string): string;
  /**
   * `query` locking the rows it reads until the transaction ends (PostgreSQL: `for update`). On
   * SQLite a write transaction holds the one database-wide write lock, so the query is unchanged.
   */
  forUpdate<QB extends SelectQueryBuilder<any, any, any>>(query: QB): QB;
}

const sqlite: SqlSyntax = {
  numbered: (text) => text,
  jsonString: (expr) => `json_quote(${expr})`,
  stringAgg: (expr, separator, orderBy) => `group_concat(${expr}, ${separator}${orderBy ? ` order by ${orderBy}` : ''})`,
  char: (code) => `char(${code})`,
  // round(x) is (double)(int64)(x + 0.5): Math.round for x >= 0.
  roundHalfUp: (expr) => `round(${expr})`,
  fixedDecimal: (units, decimals) => {
    const one = `1${'0'.repeat(decimals)}`;
    return `printf('%d.%0${decimals}d', cast(${units} as integer) / ${one}, cast(${units} as integer) % ${one})`;
  },
  isWhole: (expr) => `${expr} = cast(${expr} as integer)`,
  integerText: (expr) => `cast(cast(${expr} as integer) as text)`,
  forUpdate: (query) => query,
};

const postgres: SqlSyntax = {
  numbered: (text, first = 1) => {
    let n = first - 1;
    return text.replace(/\?/g, () => `$${++n}`);
  },
  jsonString: (expr) => `to_json(${expr})::text`,
  stringAgg: (expr, separator, orderBy) => `string_agg(${expr}, ${separator}${orderBy ? ` order by ${orderBy}` : ''})`,
  char: (code) => `chr(${code})`,
  // round() rounds halves to even here: floor plus the half, as Math.round is defined.
  roundHalfUp: (expr) => `(floor(${expr}) + case when ${expr} - floor(${expr}) >= 0.5 then 1 else 0 end)`,
  fixedDecimal: (units, decimals) => {
    const one = `1${'0'.repeat(decimals)}`;
    return `(${units})::bigint / ${one} || '.' || lpad(((${units})::bigint % ${one})::text, ${decimals}, '0')`;
  },
  isWhole: (expr) => `${expr} = trunc(${expr})`,
  integerText: (expr) => `trunc(${expr})::bigint::text`,
  forUpdate: (query) => query.forUpdate() as typeof query,
};

export type DialectName = 'sqlite' | 'postgres';

export const SYNTAX: Record<DialectName, SqlSyntax> = { sqlite, postgres };

/** The syntax of the database behind a Kysely handle or transaction (from its adapter). */
export function syntaxOf(db: Kysely<any>): SqlSyntax {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgres : sqlite;
}

/** Whether a Kysely handle (or transaction) is on PostgreSQL: for migrations, which differ in DDL. */
export function isPostgres(db: Kysely<any>): boolean {
  return syntaxOf(db) === postgres;
}

/** A unique-constraint violation, from either database. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/**
 * What is wrong with a database URL, or undefined when orgplane can open it. The SQLite forms:
 * `sqlite:data/o.db` or `sqlite:./data/o.db` (relative to the working directory),
 * `sqlite:/var/lib/o.db` or `sqlite:///var/lib/o.db` (absolute), `sqlite::memory:` (in memory,
 * gone at exit). `sqlite://name` is refused: it reads as a host, not a file.
 */
export function databaseUrlProblem(url: string): string | undefined {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') return `"${url}" names no file; use e.g. sqlite:./data/orgplane.db (relative to the working directory) or sqlite:///var/lib/orgplane/orgplane.db (absolute)`;
    if (path.startsWith('//') && !path.startsWith('///')) {
      const rest = path.slice(2);
      return `"${url}" is ambiguous (after "//" comes a host, not a file); use sqlite:${rest} for ./${rest} in the working directory, or sqlite:///${rest} for /${rest}`;
    }
    if (path.startsWith('~')) return `"${url}": "~" is not expanded; give the path in full`;
    return undefined;
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      return `"${redactUrl(url)}" is not a valid URL (a password with special characters must be percent-encoded)`;
    }
    return undefined;
  }
  return `must be ${DATABASE_URL_FORMS}, got "${url.includes('@') ? redactUrl(url) : url}"`;
}

/** The URL with its password hidden (a file path has none). */
export function redactDatabaseUrl(url: string): string {
  return url.startsWith('sqlite:') ? url : redactUrl(url);
}

/** Where orgplane keeps its data unless told otherwise. */
export const DEFAULT_DATABASE_URL = 'sqlite:./data/orgplane.db';
export const DATABASE_URL_FORMS = 'sqlite:<path> (relative to the working directory), sqlite:///<absolute path>, sqlite::memory: or postgres://user@host:port/database';
