export interface AccessControlTables {}
