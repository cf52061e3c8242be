import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // The replay server on 127.0.0.1 replaces api.openai.com, so the OpenAI
    // instrumentation names its calls `openai`, as it would the real host's.
    // Tests of other hosts set `providerByHost` themselves.
    env: { TOKENMETER_OPENAI_PROVIDERS: '127.0.0.1=openai' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/cli/**'],
      thresholds: { lines: 80, functions: 80, branches: 70, statements: 80 },
    },
  },
});
