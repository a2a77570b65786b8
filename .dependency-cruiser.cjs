/**
 * The architecture's import rules, checked by `npm run lint` (`npm run lint:deps` alone). Each rule's
 * comment says why it exists; ARCHITECTURE.md explains them together. There is no list of tolerated
 * exceptions: a violation fails lint.
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
      name: 'domain-is-innermost',
      comment: 'The domain is what the use cases are written in; it cannot know them.',
      severity: 'error',
      from: { path: '^packages/service/src/domain/' },
      to: { path: '^packages/service/src/use-cases/' },
    },
    {
      name: 'http-gets-no-adapters',
      comment:
        'Routes receive the use cases they call; which adapters implement the ports is decided in composition/.',
      severity: 'error',
      from: { path: '^packages/service/src/http/' },
      to: { path: '^packages/service/src/(adapters|composition|jobs)/' },
    },
    {
      name: 'composition-is-the-root',
      comment:
        'Only the assembly (service-app.ts, index.ts) and other compositions import a composition module.',
      severity: 'error',
      from: { pathNot: '^packages/service/src/(composition/|service-app\\.ts$|index\\.ts$)' },
      to: { path: '^packages/service/src/composition/' },
    },
    {
      name: 'service-knows-no-simulator',
      comment: 'The simulator is configuration (base URLs) to the service, never a dependency.',
      severity: 'error',
      from: { path: '^packages/service/src/' },
      to: { path: '^packages/simulator/' },
    },
    {
      name: 'simulator-knows-no-service',
      comment: 'The simulator stands for WeChat: it must behave the same whoever the merchant is.',
      severity: 'error',
      from: { path: '^packages/simulator/src/' },
      to: { path: '^packages/(service|cli)/' },
    },
    {
      name: 'sdk-only-in-adapters',
      comment:
        "WeChat's protocol is the adapters' business: composition, jobs and config hand SDK-free values around.",
      severity: 'error',
      from: { path: '^packages/service/src/', pathNot: '^packages/service/src/adapters/' },
      to: { path: '^packages/sdk/' },
    },
    {
      name: 'wechat-dialects-stay-apart',
      comment:
        'v2 and v3 share almost nothing (XML and MD5 against JSON and RSA): what both need sits beside them in adapters/wechat/, so a change to one dialect cannot break the other.',
      severity: 'error',
      from: { path: '^packages/service/src/adapters/wechat/(v2|v3)/' },
      to: {
        path: '^packages/service/src/adapters/wechat/(v2|v3)/',
        pathNot: '^packages/service/src/adapters/wechat/$1/',
      },
    },
    {
      name: 'simulator-notifier-knows-no-routes',
      comment:
        'Callbacks and API answers share their wire shapes through wire/; the notifier reaching into routes/ or control/ would tie a callback to one endpoint.',
      severity: 'error',
      from: { path: '^packages/simulator/src/notifier/' },
      to: { path: '^packages/simulator/src/(routes|control)/' },
    },
    {
      name: 'simulator-wire-is-a-leaf',
      comment:
        'A wire view turns engine records into WeChat shapes; it knows no route, notifier or control code.',
      severity: 'error',
      from: { path: '^packages/simulator/src/wire/' },
      to: { path: '^packages/simulator/src/', pathNot: '^packages/simulator/src/(wire|engine)/' },
    },
    {
      name: 'sdk-stands-alone',
      comment: 'The SDK imports node: built-ins and its declared dependencies only.',
      severity: 'error',
      from: { path: '^packages/sdk/src/' },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: [
          '^packages/sdk/src/',
          '(^|/)node_modules/(fast-xml-parser|undici)/',
          '(^|/)node_modules/fastify/',
        ],
      },
    },
    {
      name: 'sdk-frameworks-types-only',
      comment:
        'The SDK names Fastify for its plugin types only (an optional peer): a value import would make every user install it.',
      severity: 'error',
      from: { path: '^packages/sdk/src/' },
      to: { path: '(^|/)node_modules/fastify/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
  },
};
