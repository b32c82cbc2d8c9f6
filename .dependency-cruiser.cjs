/**
 * Import rules, checked by `npm run lint` (docs: ARCHITECTURE.md, "Import rules").
 *
 * - src/platform/ is the ground floor: it imports no capability and not
 *   src/config/; what it needs arrives as plain parameters.
 * - src/office-hours/ is pure time maths: it imports only itself and luxon.
 * - A capability (a folder directly under src/ other than platform, config and
 *   generated) uses another only through that one's index.ts. index.ts never
 *   exports routes; those are in the capability's http.ts, which only app.ts
 *   imports, so the worker and the CLI load no HTTP stack.
 * - The entry files (src/*.ts) and src/config/ use capabilities through their
 *   index.ts (app.ts also through http.ts).
 * - The worker process never reaches Express (tests/unit/architecture also
 *   checks the modules it really loads).
 * - No cycles.
 * Type-only imports count for every rule: swc, which reads the sources, does
 * not tell them apart, and a type is a dependency on its owner's design too.
 * src/generated/ is the Prisma client and may be imported where it is used.
 * tests/unit/architecture/import-rules.test.ts breaks each rule on purpose.
 */
const NOT_CAPABILITIES = '^src/(platform|config|generated)/';

module.exports = {
  forbidden: [
    {
      name: 'platform-is-the-ground-floor',
      comment: 'src/platform/ takes plain parameters; it imports no capability and not src/config/.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/', pathNot: ['^src/platform/', '^src/generated/'] },
    },
    {
      name: 'office-hours-is-pure',
      comment: 'src/office-hours/ does time maths only: itself and luxon, no I/O, no platform.',
      severity: 'error',
      from: { path: '^src/office-hours/' },
      to: { pathNot: ['^src/office-hours/', '(^|/)node_modules/(@types/)?luxon/'] },
    },
    {
      name: 'capabilities-meet-at-index',
      comment: 'A capability uses another only through its index.ts.',
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: NOT_CAPABILITIES },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', NOT_CAPABILITIES, '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'entries-meet-capabilities-at-index',
      comment: 'Entry files and config use a capability through its index.ts; only app.ts uses http.ts.',
      severity: 'error',
      from: { path: ['^src/[^/]+\\.ts$', '^src/config/'] },
      to: { path: '^src/[^/]+/', pathNot: [NOT_CAPABILITIES, '^src/[^/]+/index\\.ts$', '^src/[^/]+/http\\.ts$'] },
    },
    {
      name: 'only-app-serves-http',
      comment: "A capability's http.ts (its routes) is for src/app.ts alone.",
      severity: 'error',
      from: { pathNot: '^src/app\\.ts$' },
      to: { path: '^src/[^/]+/http\\.ts$' },
    },
    {
      name: 'worker-without-express',
      comment: 'The worker sends mail; loading Express there means something imported routes.',
      severity: 'error',
      from: { path: '^src/worker\\.ts$' },
      to: { path: '(^|/)node_modules/express/', reachable: true },
    },
    {
      name: 'no-cycles',
      comment: 'Modules that need each other at run time are one module, or need a third.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing fails at run time.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API; swc reads the sources instead (type-only imports included).
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.json', '.node'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
