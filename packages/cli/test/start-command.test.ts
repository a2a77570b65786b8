import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_PATH } from './support/run-cli.js';

const ERP_KEY = 'start-command-erp-key-0123456789';

describe('wxpay start', () => {
  it('starts the simulator and the service, serves the checkout, and stops cleanly on SIGINT', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-start-'));
    const child = spawn(process.execPath, [CLI_PATH, 'start'], {
      env: {
        ...process.env,
        PORT: '0',
        SIM_PORT: '0',
        DATA_DIR: dataDir,
        WECHATPAY_MCHID: '',
        MERCHANT_API_KEYS: `erp:${ERP_KEY}`,
      },
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
      // The merchant's own system orders with the key from MERCHANT_API_KEYS.
      const own = await fetch(new URL('/api/orders', checkout), {
        method: 'POST',
        headers: { Authorization: `Bearer ${ERP_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ amount: 4321, description: 'ERP order', payType: 'NATIVE' }),
      });
      expect(own.status).toBe(201);
      expect(await own.json()).toMatchObject({ amount: 4321 });
    } finally {
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('stopped (SIGINT)');
  });

  it('refuses to start with a webhook URL but no secret, and says which setting is wrong', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-start-bad-'));
    try {
      const child = spawn(process.execPath, [CLI_PATH, 'start'], {
        env: {
          ...process.env,
          PORT: '0',
          SIM_PORT: '0',
          DATA_DIR: dataDir,
          WECHATPAY_MCHID: '',
          WEBHOOK_URL: 'http://127.0.0.1:9/hooks',
        },
        stdio: 'pipe',
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect(code).not.toBe(0);
      expect(stderr).toContain('WEBHOOK_SECRET');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
