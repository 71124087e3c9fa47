/** Effective rate limits per project and model: catalog defaults lowered by project overrides (effective.ts), and the overrides' SQL (store.ts). */
export { effectiveLimit, effectiveLimits, LimitsTable, type RateLimitField, type RateLimitValues } from './effective.js';
export type { RateLimitOverrideRow } from './store.js';
