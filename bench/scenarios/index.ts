import type { Scenario } from '../lib';
import { articleScenario } from './article';
import { dashboardScenario } from './dashboard';
import { dispatchScenario } from './dispatch';
import { exportScenario } from './export';
import { inquiryScenario } from './inquiry';
import { routingScenario } from './routing';
import { insightsScenario } from './insights';

/**
 * Every scenario, in the order `npm run bench` runs them. Add yours here
 * (one import, one entry); names must be unique.
 */
export const scenarios: readonly Scenario[] = [articleScenario, inquiryScenario, dispatchScenario, routingScenario, exportScenario, dashboardScenario, insightsScenario];
