import type { App } from './admin/app-type.js';
import { type AdminAppOptions, buildAdminApp } from './admin/app.js';
import { type Core, type CoreOptions, createCore } from './core/index.js';

export interface Composition {
  core: Core;
  admin: App;
}

/**
 * Assembles orgplane over an open, migrated database: the core services, constructed once, then
 * the planes built on them (today the Administration API). main.ts and the tests both go through here.
 */
export async function compose(options: CoreOptions & AdminAppOptions): Promise<Composition> {
  const core = createCore(options);
  const admin = await buildAdminApp(core, options);
  return { core, admin };
}
