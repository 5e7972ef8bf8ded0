import { defineConfig } from 'vitest/config';
import { ownerPid, runId } from './src/labels.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    env: {
      // Ryuk's image cannot be pulled without a registry; the suites remove their own containers.
      TESTCONTAINERS_RYUK_DISABLED: 'true',
      // Published ports on this machine's loopback, as the suites use them; testcontainers would
      // otherwise read the bridge's Gateway field when it believes it runs in a container (a
      // /.dockerenv is there), which a freshly started engine leaves empty.
      TESTCONTAINERS_HOST_OVERRIDE: process.env.TESTCONTAINERS_HOST_OVERRIDE ?? '127.0.0.1',
      HARITA_E2E_RUN: runId,
      HARITA_E2E_OWNER_PID: ownerPid,
    },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: one suite's containers at a time keeps start-up times honest.
    fileParallelism: false,
  },
});
