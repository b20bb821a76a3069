import js from "@eslint/js";
import simpleImportSort from "eslint-plugin-simple-import-sort";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "coverage/**",
      "bench-output/**",
      ".azurite/**",
      ".deploy/**",
      "tools/functions-host/tests/fixtures/**",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: [
          "./tsconfig.eslint.json",
          "./tools/functions-host/tsconfig.eslint.json",
          "./web/tsconfig.json",
          "./tests/page/tsconfig.json",
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { "simple-import-sort": simpleImportSort },
    rules: {
      "simple-import-sort/imports": "error",
      "simple-import-sort/exports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Control characters are what several rules look for: in codes, in values, in binary files.
      "no-control-regex": "off",
      // Store interfaces are async by contract; an implementation with nothing to wait for is still one.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // Tests read JSON answers freely once they are held to the OpenAPI document.
    files: ["tests/**/*.ts", "tools/functions-host/tests/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    // The local host is a package of its own: it imports nothing from the product (its tests check this too).
    files: ["tools/functions-host/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/shared/*", "**/functions/*", "../../../*"],
              message: "The host imports nothing from the product.",
            },
          ],
        },
      ],
    },
  },
  { files: ["**/*.mjs", "**/*.js"], ...tseslint.configs.disableTypeChecked },
  {
    // The command's executable entry: plain CommonJS for Node, so it runs without a build of its own.
    files: ["cli/client-import.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", __dirname: "readonly", process: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
