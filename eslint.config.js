// ESLint for the whole tree: the recommended JavaScript and typescript-eslint rules (the type-aware ones that find
// real mistakes: floating promises, misused promises, awaiting non-promises), with formatting left to Prettier.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".data/", ".data-test/", "src/connectors/poweroffice/spec/openapi-types.ts", "migrations/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/test return promises the runner awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["describe", "test", "it", "suite", "before", "after", "beforeEach", "afterEach"] },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false, attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // Decorated type-graphql classes declare fields the runtime fills in.
      "@typescript-eslint/no-non-null-assertion": "off",
      // Text hygiene matches control characters on purpose (stored text, quarantine reasons, JSON escaping).
      "no-control-regex": "off",
    },
  },
  {
    // Tests read untyped JSON answers (GraphQL, admin surfaces).
    files: ["**/*.test.ts", "test/**/*.ts", "subgraphs/**/test-support.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
