import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "functions-host",
    root: __dirname,
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/support/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
