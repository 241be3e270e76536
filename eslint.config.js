// One linter, type-aware: typescript-eslint's recommended type-checked rules.
// The rules that matter most here: no floating promises, no misused promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // assets/: data, and assets/fonts/subset.mjs, a maintenance script needing a package not installed.
  { ignores: ['node_modules/**', '.data/**', 'migrations/**', 'bin/**', 'assets/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Fastify plugins and port implementations are async by contract even when they need no await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/service/db/**'], message: 'Front ends never import service/db; call a use-case in service/app.' }],
      }],
    },
  },
  {
    // Only bots/ is forbidden from touching the database layer.
    files: ['service/**', 'test/**', 'golden_tests/**', 'bench/**', '*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
