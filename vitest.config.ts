import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests import each package's TypeScript source (the `source` export condition), so they never depend on a
  // stale build; `ssr` covers imports between packages, which vitest resolves as external modules.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
