/** Console sessions (see src/console/sessions.ts). */
export interface ConsoleSessionTable {
  /** SHA-256 (hex) of the session ID the browser holds in its cookie. */
  id_hash: string;
  /** The admin key the session stands for (its ID, never the key). */
  key_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface ConsoleTables {
  console_sessions: ConsoleSessionTable;
}
