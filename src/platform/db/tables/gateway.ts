/** Which project created a response through the gateway (only that project may read it back). */
export interface GatewayResponseTable {
  response_id: string;
  project_id: string;
  /** The named upstream that stores it. */
  upstream: string;
  created_at: number;
}

/** SQLite only: the version of each announced change (see migration 0007), polled by the change feed. */
export interface ChangeVersionTable {
  name: string;
  version: number;
}

export interface GatewayTables {
  gateway_responses: GatewayResponseTable;
  change_versions: ChangeVersionTable;
}
