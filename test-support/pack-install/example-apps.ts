/**
 * The hook for the example apps (`examples/`, issue 12 §3): each one listed here is run by
 * pack-install.test.ts inside the same temporary project, after the published tarballs are
 * installed, so an example proves it needs nothing but the published entry points.
 */

import type { ExampleSimulator } from './example-process.js';
import { checkExpressJsapi } from './express-jsapi-check.js';
import { checkKoaNative } from './koa-native-check.js';
import { checkNestMiniprogram } from './nest-miniprogram-check.js';

export interface ExampleApp {
  /** Shown in the test's name. */
  name: string;
  /** Registry packages it needs beside ours (`koa`, `express` …), added to the project before the install. */
  dependencies?: Record<string, string>;
  /**
   * Runs the example in `projectDir` (the packages are in its node_modules) and throws if it does
   * not work; `simulator` is a `wxpay sim` started from the installed CLI.
   */
  check(projectDir: string, simulator: ExampleSimulator): Promise<void>;
}

export const EXAMPLE_APPS: ExampleApp[] = [
  { name: 'koa-native', dependencies: { koa: '^3.3.0', qrcode: '^1.5.4' }, check: checkKoaNative },
  {
    name: 'nest-miniprogram',
    dependencies: {
      '@nestjs/common': '^12.5.1',
      '@nestjs/core': '^12.5.1',
      '@nestjs/platform-express': '^12.5.1',
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.2',
      typescript: '^6.0.3',
      '@types/node': '^20.19.0',
    },
    check: checkNestMiniprogram,
  },
  { name: 'express-jsapi', dependencies: { express: '^5.1.0' }, check: checkExpressJsapi },
];
