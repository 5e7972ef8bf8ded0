import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/',
      '**/dist-bench/',
      '**/native/build/',
      '**/node_modules/',
      'compose/images/*/.cache/',
      '.test-results/',
      // Deno code: checked by deno check and deno lint (scripts/test.sh).
      'functions/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['raster/vitest.config.ts', 'model-serving/vitest.config.ts'],
          defaultProject: 'tsconfig.base.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // Pixel and tensor loops index typed arrays by computed offsets that are in range by
    // construction; with noUncheckedIndexedAccess each read needs `!`, and a runtime check would
    // cost speed.
    files: [
      'raster/**/*.ts',
      'model-serving/**/*.ts',
      'worker/src/model-serving/*.ts',
      'e2e/src/whole-image.ts',
      'e2e/test/*inference*.ts',
      'e2e/test/model-serving-conformance.test.ts',
      'e2e/test/pipelines.test.ts',
      'e2e/test/faults.test.ts',
      'e2e/bench/inference.ts',
    ],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
