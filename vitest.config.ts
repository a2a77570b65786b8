import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Third-party clients live in their own install (see peers/package.json) so their bins never
    // take `wxpay` in node_modules/.bin; the compatibility tests import them by their own names.
    // The demo launcher lives in the CLI and imports the service by name; tests run its sources.
    alias: {
      '@wechatpay-kit/service': fileURLToPath(new URL('./packages/service/src/index.ts', import.meta.url)),
      'wechatpay-axios-plugin': fileURLToPath(
        new URL('./peers/node_modules/wechatpay-axios-plugin/index.js', import.meta.url),
      ),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test-support/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
