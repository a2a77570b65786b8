import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_PATH } from './support/run-cli.js';

describe('wxpay start', () => {
  it('starts the simulator and the service, serves the checkout, and stops cleanly on SIGINT', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-start-'));
    const child = spawn(process.execPath, [CLI_PATH, 'start'], {
      env: { ...process.env, PORT: '0', SIM_PORT: '0', DATA_DIR: dataDir, WECHATPAY_MCHID: '' },
      stdio: 'pipe',
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const exited = new Promise<number | null>((done) => child.on('close', done));
    try {
      await new Promise<void>((ready, fail) => {
        child.stdout.on('data', (chunk: string) => {
          stdout += chunk;
          if (stdout.includes('Press Ctrl+C')) ready();
        });
        child.on('close', () => fail(new Error(`exited early:\n${stdout}`)));
      });
      const checkout = /checkout\s+(http:\/\/\S+)/.exec(stdout)?.[1];
      const token = /token: (\S+)/.exec(stdout)?.[1];
      expect(checkout).toBeDefined();
      expect(token?.length).toBeGreaterThanOrEqual(16);
      expect(stdout).toMatch(/phone page\s+http:\/\/127\.0\.0\.1:\d+\/_sim\/phone/);
      const page = await fetch(checkout!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-simulator-url="http://127.0.0.1:');
      const admin = await fetch(new URL('/api/admin/orders', checkout), {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(admin.status).toBe(200);
    } finally {
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('stopped (SIGINT)');
  });
});
