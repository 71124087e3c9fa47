import type { Database } from '../platform/db/database.js';

/**
 * Which project created which stored response (and on which upstream), so that a project never
 * reaches another project's responses through a shared upstream account. Remembered in memory
 * at once and in the database (for the other replicas and restarts) without holding up the
 * response; looked up in memory first.
 */
export class ResponseOwners {
  private readonly recent = new Map<string, { projectId: string; upstream: string }>();

  constructor(
    private readonly database: Database,
    private readonly now: () => number,
    private readonly onError: (err: unknown) => void,
  ) {}

  remember(responseId: string, projectId: string, upstream: string): void {
    if (this.recent.size >= 100_000) this.recent.clear();
    this.recent.set(responseId, { projectId, upstream });
    this.write(
      this.database.db
        .insertInto('gateway_responses')
        .values({ response_id: responseId, project_id: projectId, upstream, created_at: this.now() })
        .onConflict((oc) => oc.column('response_id').doNothing())
        .compile(),
    );
  }

  /** The project and upstream of a response created through orgplane, or undefined. */
  async owner(responseId: string): Promise<{ projectId: string; upstream: string } | undefined> {
    const known = this.recent.get(responseId);
    if (known) return known;
    const row = await this.database.db.selectFrom('gateway_responses').select(['project_id', 'upstream']).where('response_id', '=', responseId).executeTakeFirst();
    return row ? { projectId: row.project_id, upstream: row.upstream } : undefined;
  }

  forget(responseId: string): void {
    this.recent.delete(responseId);
    this.write(this.database.db.deleteFrom('gateway_responses').where('response_id', '=', responseId).compile());
  }

  /** As a write script (Database.runScript: off the event loop where the database allows), not awaited. */
  private write(query: { sql: string; parameters: readonly unknown[] }): void {
    this.database.runScript([{ sql: query.sql, parameters: [...query.parameters] }], { statements: 0, rows: 0 }).catch(this.onError);
  }
}
