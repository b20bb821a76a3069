import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/support/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration files start their own hosts; two cores are shared with Azurite.
    maxWorkers: 2,
  },
});
