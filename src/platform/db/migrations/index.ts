import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.js';
import * as accessControl from './0002_access_control.js';
import * as rateLimitsCertificates from './0003_catalog_rate_limits_certificates.js';
import * as usage from './0004_usage.js';
import * as usageDayVersions from './0005_usage_day_versions.js';
import * as pgJsonNumbers from './0006_pg_json_numbers.js';
import * as gateway from './0007_gateway.js';
import * as consoleSessions from './0008_console_sessions.js';
import * as changeSequences from './0009_change_sequences.js';
import * as correctnessIndexes from './0010_correctness_indexes.js';
import * as policies from './0011_policies.js';
import * as quietInserts from './0014_quiet_inserts.js';
import * as alertOutboxLease from './0015_alert_outbox_lease.js';

/**
 * All schema migrations, in order. Names sort lexically; append new ones with the next number.
 * Migrations are written once against Kysely's schema builder and run on both dialects.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_access_control': accessControl,
  '0003_catalog_rate_limits_certificates': rateLimitsCertificates,
  '0004_usage': usage,
  '0005_usage_day_versions': usageDayVersions,
  '0006_pg_json_numbers': pgJsonNumbers,
  '0007_gateway': gateway,
  '0008_console_sessions': consoleSessions,
  '0009_change_sequences': changeSequences,
  '0010_correctness_indexes': correctnessIndexes,
  '0011_policies': policies,
  '0014_quiet_inserts': quietInserts,
  '0015_alert_outbox_lease': alertOutboxLease,
};
