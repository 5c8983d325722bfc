import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      'sagepipe/container': fileURLToPath(new URL('./containers/runtime/index.ts', import.meta.url)),
      'sagepipe/local': fileURLToPath(new URL('./src/api/local.ts', import.meta.url)),
      'sagepipe/testing': fileURLToPath(new URL('./src/api/testing.ts', import.meta.url)),
      'sagepipe/sagemaker': fileURLToPath(new URL('./src/api/sagemaker.ts', import.meta.url)),
      sagepipe: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The fresh project's own tests run there (test/package/install.test.ts), against the installed package.
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
