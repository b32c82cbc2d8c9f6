/** The article routes, for app.ts; kept out of index.ts so processes without HTTP never load Express. */
export { articleRouter, type ArticleRouteDeps } from './article-routes';
