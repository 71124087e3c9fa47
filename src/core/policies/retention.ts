/** The organization's setting until it is changed (orgplane keeps data as usual: see docs/policies.md). */
export const DEFAULT_ORGANIZATION_RETENTION = 'modified_abuse_monitoring';
/** A project's setting until it is changed: it follows the organization's. */
export const DEFAULT_PROJECT_RETENTION = 'organization_default';

/** Settings under which orgplane keeps no payloads or response IDs and forwards `store: false`. */
const ZERO_RETENTION = new Set(['zero_data_retention', 'enhanced_zero_data_retention']);

/** A project's effective setting: its own, or the organization's when it says `organization_default`. */
export function effectiveRetention(projectType: string | undefined, organizationType: string | undefined): string {
  const own = projectType ?? DEFAULT_PROJECT_RETENTION;
  return own === 'organization_default' ? (organizationType ?? DEFAULT_ORGANIZATION_RETENTION) : own;
}

export const isZeroRetention = (effective: string): boolean => ZERO_RETENTION.has(effective);
