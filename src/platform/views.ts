import path from 'node:path';
import { Eta } from 'eta';

/**
 * Server-side templates in views/. Output is HTML-escaped by default
 * (`<%= %>`); the only raw output (`<%~ %>`) is article HTML that has
 * already been through the sanitiser.
 */
export const VIEWS_DIR = path.resolve(__dirname, '../../views');

export type Views = Eta;

export function createViews(options: { cache: boolean }): Views {
  return new Eta({ views: VIEWS_DIR, cache: options.cache, autoEscape: true, autoTrim: false });
}
