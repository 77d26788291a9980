// Import rules `npm test` checks (dependency-cruiser): no cycle between files of a package's src/, and the package
// layers — the fakes stand alone, the devstack runs services and knows no product package, the shared libraries know
// none of the services above them — in src/ and test/ alike (so no package cycle can come back through a test).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle makes a module impossible to understand or test on its own: move the shared part down.',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'fakes-stand-alone',
      severity: 'error',
      comment: 'The fakes speak the SaaS wire formats and nothing else: tests of every package use them.',
      from: { path: '^packages/fakes/' },
      to: { path: '^packages/(?!fakes/)[^/]+/' },
    },
    {
      name: 'devstack-runs-services-only',
      severity: 'error',
      comment:
        'The devstack installs and runs services; the product packages test against it, not the other way.',
      from: { path: '^packages/devstack/' },
      to: {
        path: '^packages/(processor|instrumentation|setup|pricing|semconv|console|demo|bench|system-tests)/',
      },
    },
    {
      name: 'libraries-below-services',
      severity: 'error',
      comment: 'semconv and pricing are shared by the services and the instrumentation: they know neither.',
      from: { path: '^packages/(semconv|pricing)/src/' },
      to: { path: '^packages/(?!semconv/|pricing/)[^/]+/' },
    },
  ],
  options: {
    // A package's dist/ is where another package's import lands: kept as the edge's end, never cruised into.
    doNotFollow: { path: '(^|/)(dist|node_modules)/' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
  },
};
