import type { FastifyInstance } from 'fastify';
import type { App } from './admin/app-type.js';
import { type AdminAppOptions, buildAdminApp } from './admin/app.js';
import { type ConsoleOptions, serveConsole } from './console/plugin.js';
import { ConsoleSessions } from './console/sessions.js';
import { type Core, type CoreOptions, createCore } from './core/index.js';
import { LiveTables } from './core/live.js';
import { DataPlane, type DataPlaneOptions } from './gateway/index.js';
import { SpendAlerts, type SpendAlertsOptions } from './core/policies/alerts.js';
import { type SmtpOptions, smtpMailer } from './platform/mail.js';

export interface ComposeOptions extends CoreOptions, Omit<AdminAppOptions, 'live' | 'planes' | 'session' | 'surfaces'> {
  /** The web console (default: served, sessions lasting 8 hours); false: not served. */
  console?: ConsoleOptions | false;
  /**
   * Keep the in-memory key and limit tables (core/live) and answer from them, following the
   * database's change feed; `url`: the database URL (the change feed may open a connection of its own).
   */
  live?: { url: string; onError?: (err: unknown) => void };
  /** Serve the data plane beside the Administration API under /v1 (needs `live`). */
  gateway?: Omit<DataPlaneOptions, 'core' | 'live' | 'log'>;
  /** Send the spend alerts' emails (through `smtp`; without it, each alert is logged). Not given: this process sends none. */
  alerts?: SpendAlertsOptions & { smtp?: SmtpOptions };
}

export interface Composition {
  core: Core;
  live?: LiveTables;
  admin: App;
  dataPlane?: DataPlane;
}

/**
 * The composition root: assembles orgplane over an open, migrated database — the core services,
 * constructed once; the live key and limit tables; then the planes built on them, served by one
 * HTTP server (the Administration API, and the gateway beside it). main.ts and the tests both
 * build through here. admin/ and gateway/ never import each other: this is where they meet.
 */
export async function compose(options: ComposeOptions): Promise<Composition> {
  const core = createCore(options);
  await core.policies.start();
  const live = options.live ? await new LiveTables(core, core.keys).start(options.database, options.live.url, options.live.onError) : undefined;
  let dataPlane: DataPlane | undefined;
  let alerts: SpendAlerts | undefined;
  const consoleOptions = options.console;
  const sessions = consoleOptions === false ? undefined : new ConsoleSessions(core, { ttlSeconds: consoleOptions?.sessionTtlSeconds ?? 8 * 3600 });
  const admin = await buildAdminApp(core, {
    ...options,
    live,
    // The web console: served beside the API; a console session stands for its admin key there.
    session: sessions?.authenticate,
    surfaces: async (app: FastifyInstance) => {
      if (sessions) await serveConsole(app, { sessions, assetsDir: consoleOptions ? consoleOptions.assetsDir : undefined });
    },
    planes: async (app: FastifyInstance) => {
      if (!options.gateway || !live) return;
      const plane = (dataPlane = new DataPlane({ ...options.gateway, core, live, log: app.log }));
      await app.register(async (v1) => plane.register(v1), { prefix: '/v1' });
    },
    onClose: async () => {
      // In-flight requests have finished: the usage still buffered is written, then the rest closes.
      await dataPlane?.close();
      await alerts?.close();
      await live?.close();
      await core.policies.close();
      await options.onClose?.();
    },
  });
  if (options.alerts) {
    const { smtp, ...timing } = options.alerts;
    alerts = new SpendAlerts({ ctx: core, policies: core.policies, mailer: smtp ? smtpMailer(smtp) : null, log: admin.log }, timing);
    alerts.start();
  }
  return { core, live, admin, dataPlane };
}
