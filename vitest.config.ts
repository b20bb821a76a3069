import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Integration files start their own hosts; two cores are shared with Azurite.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "product",
          include: ["tests/**/*.test.ts"],
          globalSetup: ["tests/support/globalSetup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      "tools/functions-host",
    ],
  },
});
