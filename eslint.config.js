// Lint: typescript-eslint's recommended rules everywhere, and type-aware checks on sources
// (exhaustive switches over discriminated unions, no floating promises).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', '**/*.generated.ts', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // Small units (STYLE: files ≲ 400 lines, functions ≲ 80, an options object beyond four
  // parameters), for all code: the offenders of December were refactored, none is exempted.
  {
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/max-params': ['error', { max: 4 }],
    },
  },
  {
    // Not for tests: there the function is a describe() callback, a group of cases, not a unit.
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    ignores: ['**/test/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
);
