import express from 'express';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config';
import { createAdvisorAssignment, createAdvisorRepository } from '../advisors';
import { createCallbackReads } from '../callbacks';
import { createInsightsQueries } from '../insights';
import { createLeadCallees, createLeadRepository, createLeadStatistics } from '../leads';
import type { Clock } from '../platform/clock';
import type { Database } from '../platform/database';
import { errors } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { RenderPage } from '../platform/pages';
import type { Redis } from '../platform/redis';
import { createProgramRepository } from '../programs';
import { createApiTokens } from './accounts/api-tokens';
import { createStaffUsers } from './accounts/staff-users';
import { authenticate } from './auth/authentication';
import { loginRouter } from './auth/login-routes';
import { createLoginCsrf } from './auth/login-csrf';
import { createSignIn } from './auth/sign-in';
import { staffSession } from './auth/staff-session';
import { createAuditLog } from '../audit';
import { auditRouter } from './audit/audit-routes';
import { exportRouter } from './export/export-routes';
import { createLeadExporter } from './export/lead-export';
import { leadRouter } from './leads/lead-routes';
import { dashboardRouter } from './dashboard/dashboard-routes';
import { insightsRouter } from './insights/insights-routes';
import { createResponseMetrics } from './leads/response-metrics';
import { queueRouter } from './queue/queue-routes';
import { createAdminPageKit, type AdminPage } from './admin-page-kit';
import { createStaffPages } from './staff-pages';
import { createStaffPool } from './staff-pool';
import { availabilityRouter } from './team/availability-routes';
import { teamRouter } from './team/team-routes';

export interface StaffWorkspaceDeps {
  config: Config;
  db: Database;
  /** The connection string `db` was made from: sessions and exports use plain node-postgres connections. */
  databaseUrl: string | undefined;
  clock: Clock;
  logger: Logger;
  renderPage: RenderPage;
  redis?: Redis;
  /** The app's metrics registry, for the response clock's metrics. */
  metricsRegistry?: Registry;
  /** Administrators' pages of other capabilities (their http.ts), given the workspace's guards, layout and audit log. */
  adminPages?: AdminPage[];
}

/**
 * Everything under /admin: sign-in, lead review,
 * exports and the audit log. Only /admin requests touch the session store;
 * public pages never set a cookie.
 */
export function staffWorkspace(deps: StaffWorkspaceDeps): express.Router {
  const { config, db, clock, logger, databaseUrl } = deps;
  const router = express.Router();
  if (!databaseUrl) {
    // Only an app built without its connection string gets here (worker.ts, which serves no HTTP, and some tests); server.ts always passes it.
    logger.debug({ event: 'staff.workspace_unavailable', reason: 'no database connection string' });
    router.use('/admin', () => {
      throw errors.serviceUnavailable('The staff workspace is not connected to the database.');
    });
    return router;
  }
  const pool = createStaffPool(databaseUrl, logger);
  const users = createStaffUsers(db);
  const tokens = createApiTokens(db);
  const audit = createAuditLog({ db, clock });
  const renderStaffPage = createStaffPages({ renderPage: deps.renderPage, officeHours: config.officeHours });

  router.use(
    '/admin',
    staffSession({ pool, secret: config.sessionSecret, https: config.baseUrl.startsWith('https:'), logger }),
    authenticate({ users, tokens, clock }),
  );
  router.use(
    loginRouter({
      signIn: createSignIn({ users, audit, clock, logger, secret: config.sessionSecret }),
      loginCsrf: createLoginCsrf({ secret: config.sessionSecret, https: config.baseUrl.startsWith('https:') }),
      audit, clock, logger, renderStaffPage, redis: deps.redis,
    }),
  );
  // Before the lead pages: /admin/leads/export.csv is not a lead id.
  const leads = createLeadRepository(db);
  const programs = createProgramRepository(db);
  const staffIdByEmail = async (email: string) => (await users.findByEmail(email))?.id ?? null;
  const responseMetrics = deps.metricsRegistry ? createResponseMetrics(deps.metricsRegistry, () => leads.countAwaiting(clock.now())) : undefined;
  router.use(exportRouter({ exporter: createLeadExporter({ pool, connectionString: databaseUrl, logger }), audit, officeHours: config.officeHours, clock, logger, staffIdByEmail }));
  const calls = createCallbackReads({ db, callees: createLeadCallees(db), advisors: createAdvisorAssignment() });
  router.use(queueRouter({ leads, calls, officeHours: config.officeHours, clock, renderStaffPage }));
  router.use(leadRouter({ leads, calls, programs, audit, officeHours: config.officeHours, clock, logger, renderStaffPage, staffIdByEmail, responseMetrics }));
  router.use(auditRouter({ audit, renderStaffPage }));
  const advisors = createAdvisorRepository(db);
  router.use(availabilityRouter({ advisors, audit, logger }));
  router.use(teamRouter({ advisors, programs, leads, audit, logger, renderStaffPage }));
  router.use(dashboardRouter({ statistics: createLeadStatistics(db), officeHours: config.officeHours, responseTargetMs: config.responseTargetMs, clock, renderStaffPage }));
  router.use(insightsRouter({ queries: createInsightsQueries(db), officeHours: config.officeHours, clock, renderStaffPage }));
  const kit = createAdminPageKit({ audit, renderStaffPage });
  for (const page of deps.adminPages ?? []) router.use(page(kit));
  return router;
}
