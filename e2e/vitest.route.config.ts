import { defineConfig } from 'vitest/config';

// The plain compose route (route/), run by `./kit test` on an engine of its own that holds only
// the service images (scripts/fresh-engine.sh), apart from the suites in test/.
export default defineConfig({
  test: {
    include: ['route/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
