import { defineConfig } from 'vitest/config';
import { ownerPid, runId } from './src/labels.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    env: {
      // Ryuk's image cannot be pulled without a registry; the suites remove their own containers.
      TESTCONTAINERS_RYUK_DISABLED: 'true',
      HARITA_E2E_RUN: runId,
      HARITA_E2E_OWNER_PID: ownerPid,
    },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: one suite's containers at a time keeps start-up times honest.
    fileParallelism: false,
  },
});
