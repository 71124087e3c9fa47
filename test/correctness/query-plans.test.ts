import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type CompiledQuery, type Kysely, type KyselyPlugin, type RootOperationNode, sql } from 'kysely';
import { countOtherLiveAdminKeys, deleteKey, findAdminKey } from '../../src/admin/organization/admin-api-keys/repository.js';
import { defaultProjectId, deleteInvite, findPendingInvite, markExpired } from '../../src/admin/organization/invites/repository.js';
import { countOtherLiveAdminKeys as countOtherUsersAdminKeys, findUserByEmail, listUsers, ownerIds } from '../../src/admin/organization/users/repository.js';
import { KeyService } from '../../src/core/keys/index.js';
import type { DB } from '../../src/platform/db/schema.js';
import { forEachDialect, type TestServer } from '../helpers/harness.js';

/**
 * The lookups that run on every mutation of their kind are served by indexes on both databases:
 * each query the repository functions below send is captured and EXPLAINed, and no plan may read a
 * whole table. (PostgreSQL prefers a sequential scan on tables this small whatever the indexes, so
 * its plans are taken with `enable_seqscan = off`: a sequential scan then means no index can serve.)
 * docs/behaviour.md lists these lookups.
 */
class Recorder implements KyselyPlugin {
  readonly nodes: RootOperationNode[] = [];
  transformQuery({ node }: { node: RootOperationNode }): RootOperationNode {
    this.nodes.push(node);
    return node;
  }
  async transformResult({ result }: { result: any }) {
    return result;
  }
}

const HOT_LOOKUPS: Array<[string, (db: Kysely<DB>, s: TestServer) => Promise<unknown>]> = [
  ['user by email (invites, accept)', (db) => findUserByEmail(db, 'Someone@Example.com')],
  ['users by emails (list filter)', (db) => listUsers(db, { limit: 20 }, ['a@example.com', 'B@example.com'])],
  ['pending invite by email (invite)', (db) => findPendingInvite(db, 'Someone@Example.com')],
  ['retire an expired invite', (db) => markExpired(db, 'invite-x')],
  ['delete an invite', (db) => deleteInvite(db, 'invite-x')],
  ['the Default project (invite)', (db) => defaultProjectId(db)],
  ['owners (last-owner rule)', (db) => ownerIds(db)],
  ['live admin keys but one (last-admin-key rule)', (db, s) => countOtherLiveAdminKeys(db, 'key_x', s.clock.now())],
  ['live admin keys of other users (user removal)', (db, s) => countOtherUsersAdminKeys(db, 'user-x', s.clock.now())],
  ['admin key by ID', (db) => findAdminKey(db, 'key_x')],
  ['delete a key', (db) => deleteKey(db, 'key_x')],
  ['key by hash (every request)', (db, s) => new KeyService({ ...s.ctx, db } as never).resolve('sk-admin-nothing')],
];

async function plan(s: TestServer, query: CompiledQuery): Promise<string[]> {
  if (s.dialect === 'sqlite') {
    const { rows } = await s.ctx.db.executeQuery<{ detail: string }>({ ...query, sql: `explain query plan ${query.sql}` });
    return rows.map((r) => r.detail);
  }
  return s.ctx.db.connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn);
    try {
      const { rows } = await conn.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: `explain ${query.sql}` });
      return rows.map((r) => r['QUERY PLAN']);
    } finally {
      await sql`set enable_seqscan = on`.execute(conn);
    }
  });
}

const fullScan = (line: string) => /^SCAN (?!CONSTANT ROW)/.test(line.trim()) || /Seq Scan/.test(line);

forEachDialect('query plans of the hot mutation lookups', (server) => {
  for (const [name, run] of HOT_LOOKUPS) {
    it(`${name}: served by an index`, async () => {
      const s = server();
      const recorder = new Recorder();
      const db = s.ctx.db.withPlugin(recorder);
      await db.transaction().execute(async (tx) => {
        await run(tx, s);
        // Nothing these lookups change is kept.
        throw Object.assign(new Error('rollback'), { rollback: true });
      }).catch((err) => {
        if (!err.rollback) throw err;
      });
      assert.ok(recorder.nodes.length > 0);
      for (const node of recorder.nodes) {
        const compiled = s.ctx.db.getExecutor().compileQuery(node, { queryId: 'plan' } as never);
        // A query prepared once (core/keys) is compiled with placeholders for its named parameters.
        const query = { ...compiled, parameters: compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith('\u0000') ? 'x' : p)) };
        const lines = await plan(s, query);
        assert.ok(!lines.some(fullScan), `${query.sql}\n${lines.join('\n')}`);
      }
    });
  }
});
