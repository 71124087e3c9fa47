import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../migration-helpers.js';

/**
 * PostgreSQL: the SQL functions SQLite connections get from registerSqlFunctions (sqlite-functions.ts),
 * so that the database writes result JSON with numbers exactly as JavaScript writes them.
 * - js_number(x): the JSON text of a double as JSON.stringify writes it. PostgreSQL writes the
 *   same shortest round-trip digits (extra_float_digits >= 1, which the connection sets), plainly
 *   between 1e-4 and 1e15 as JavaScript does; outside that range js_number_layout lays the
 *   digits out again the way JavaScript does (plain from 1e-6 to 1e21, else `d.ddde±n`), and
 *   shortens the exact digits PostgreSQL writes for whole numbers from 2^53 up.
 * - js_round(x, d): Math.round(x * 10^d) / 10^d (halves rounded up, as Math.round does); x itself
 *   beyond 1e290, where the product would overflow (PostgreSQL raises an error there).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create or replace function js_number_layout(x double precision) returns text
    language plpgsql immutable strict parallel safe as $$
    declare
      s text := x::text;
      minus text := '';
      mantissa text;
      digits text;
      e integer;
      p integer;
      whole numeric;
    begin
      if x = 0 then return '0'; end if;
      if s in ('NaN', 'Infinity', '-Infinity') then return 'null'; end if;
      if left(s, 1) = '-' then minus := '-'; s := substr(s, 2); end if;
      if abs(x) >= 9007199254740992 then
        -- Whole numbers from 2^53 up may come with more digits than the shortest that round-trip,
        -- which JavaScript writes: the value rounded to 1, 2, ... significant digits until it does.
        whole := trunc(s::numeric);
        for p in 1..length(whole::text) loop
          if round(whole, p - length(whole::text))::double precision = abs(x) then
            whole := round(whole, p - length(whole::text));
            exit;
          end if;
        end loop;
        if abs(x) < 1e21 then return minus || whole::text; end if;
        digits := rtrim(whole::text, '0');
        e := length(whole::text) - 1;
        mantissa := left(digits, 1) || case when length(digits) > 1 then '.' || substr(digits, 2) else '' end;
      elsif position('e' in s) = 0 then
        return minus || s;
      else
        mantissa := split_part(s, 'e', 1);
        e := split_part(s, 'e', 2)::integer;
        digits := replace(mantissa, '.', '');
      end if;
      if e >= 21 or e <= -7 then
        return minus || mantissa || 'e' || case when e > 0 then '+' else '-' end || abs(e)::text;
      end if;
      if e < 0 then return minus || '0.' || repeat('0', -e - 1) || digits; end if;
      if length(digits) <= e + 1 then return minus || digits || repeat('0', e + 1 - length(digits)); end if;
      return minus || left(digits, e + 1) || '.' || substr(digits, e + 2);
    end $$`.execute(db);
  await sql`
    create or replace function js_number(x double precision) returns text
    language sql immutable strict parallel safe as $$
      select case when x <> 0 and abs(x) < 9007199254740992 and position('e' in x::text) = 0 and x::text not in ('NaN', 'Infinity', '-Infinity') then x::text else js_number_layout(x) end
    $$`.execute(db);
  await sql`
    create or replace function js_round(x double precision, d integer) returns double precision
    language sql immutable strict parallel safe as $$
      select case when abs(x) < 1e290
        then (floor(x * power(10::double precision, d)) + case when x * power(10::double precision, d) - floor(x * power(10::double precision, d)) >= 0.5 then 1 else 0 end) / power(10::double precision, d)
        else x end
    $$`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
