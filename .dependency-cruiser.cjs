/**
 * The architecture's import rules, checked by `npm run lint`. Violations that existed when a rule
 * was written are listed in `.dependency-cruiser-known-violations.json` and are being removed; a new
 * one fails lint. Regenerate that list only when removing entries (`npm run lint:deps:baseline`).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import cycle means two modules are one concern in two files, or a port is missing.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-only-core',
      comment:
        'domain/ and use-cases/ are the service itself: they import each other and node: built-ins, never a framework, the SDK, a database driver or an adapter (those implement the ports).',
      severity: 'error',
      from: { path: '^packages/service/src/(domain|use-cases)/' },
      to: {
        pathNot: ['^packages/service/src/(domain|use-cases)/'],
        dependencyTypesNot: ['core', 'type-only'],
      },
    },
    {
      name: 'core-imports-no-adapter-types',
      comment: 'Not even types: a use case that names an adapter type depends on it.',
      severity: 'error',
      from: { path: '^packages/service/src/(domain|use-cases)/' },
      to: { dependencyTypes: ['type-only'], pathNot: ['^packages/service/src/(domain|use-cases)/'] },
    },
    {
      name: 'http-speaks-no-wechat-or-sql',
      comment:
        "Routes call use cases: WeChat's protocol stays behind the gateway ports, SQL behind the repositories.",
      severity: 'error',
      from: { path: '^packages/service/src/http/' },
      to: {
        path: [
          '^packages/sdk/',
          '^packages/service/src/adapters/persistence/',
          '(^|/)node_modules/(kysely|pg|better-sqlite3)/',
        ],
      },
    },
    {
      name: 'service-knows-no-simulator',
      comment: 'The simulator is configuration (base URLs) to the service, never a dependency.',
      severity: 'error',
      from: { path: '^packages/service/src/' },
      to: { path: '^packages/simulator/' },
    },
    {
      name: 'sdk-stands-alone',
      comment: 'The SDK imports node: built-ins and its declared dependencies only.',
      severity: 'error',
      from: { path: '^packages/sdk/src/' },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: ['^packages/sdk/src/', '(^|/)node_modules/(fast-xml-parser|undici)/'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
  },
};
