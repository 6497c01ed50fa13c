import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['src/logs/wasm/**', 'dist/**', 'bench/out/**', 'web/dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // TypeScript checks names; no-undef only misfires on Node globals in .mjs scripts.
      'no-undef': 'off',
    },
  },
  {
    // The domain core stays pure: no I/O, no node:* modules, no database or HTTP libraries.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'child_process', 'os'], message: 'src/core is pure: no I/O imports.' },
            { group: ['kysely', 'pg', 'better-sqlite3', 'ioredis', 'undici', 'fastify', 'nodemailer', 'pino'], message: 'src/core is pure: no database or network libraries.' },
            { group: ['../app/*', '../store/*', '../server/*', '../cli/*', '../checks/*', '../logs/*', '../notify/*', '../actions/*', '../config/*'], message: 'src/core imports nothing outside src/core.' },
          ],
        },
      ],
    },
  },
);
