import { describe, expect, it } from 'vitest';
import { useServiceBesideSimulator } from './service-beside-simulator.js';

describe('the use cases log through the service logger', () => {
  const lines: Array<{ level: string; data: object; message: string }> = [];
  const record = (level: string) => (data: object, message: string) => lines.push({ level, data, message });
  const logger = { info: record('info'), warn: record('warn'), error: record('error') };
  const running = useServiceBesideSimulator('service-logging', () => ({ options: { logger } }));

  it('a forged payment notification is logged as a warning, without the key or the body', async () => {
    const forged = '<xml><appid>wx1</appid><out_trade_no>X1</out_trade_no><sign>00</sign></xml>';
    const answer = await fetch(`${running.service.url}/api/notify/v2`, { method: 'POST', body: forged });
    expect(await answer.text()).toContain('FAIL');
    const warning = lines.find((l) => l.level === 'warn' && l.message === 'payment notification rejected');
    expect(warning?.data).toMatchObject({ apiVersion: 'v2' });
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(running.simulator.merchant.apiKey);
    expect(logged).not.toContain('<xml>');
  });
});
