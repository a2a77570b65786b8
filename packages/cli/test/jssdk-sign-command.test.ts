import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

/** The worked example of the JS-SDK documentation's appendix (GUIDE §7). */
const JSSDK = {
  ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
  noncestr: 'Wm3WZYTPz0wzccnW',
  timestamp: '1414587457',
  url: 'http://mp.weixin.qq.com?params=value',
  signature: '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
};

function args(overrides: Partial<typeof JSSDK> = {}): string[] {
  const v = { ...JSSDK, ...overrides };
  return [
    'jssdk-sign',
    '--ticket',
    v.ticket,
    '--noncestr',
    v.noncestr,
    '--timestamp',
    v.timestamp,
    '--url',
    v.url,
  ];
}

describe('wxpay jssdk-sign', () => {
  it('prints the documented signature on the last line', async () => {
    const run = await runCli(args());
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe(JSSDK.signature);
    expect(run.stdout).toContain(
      'signed string: jsapi_ticket=***&noncestr=Wm3WZYTPz0wzccnW&timestamp=1414587457&url=http://mp.weixin.qq.com?params=value',
    );
  });

  it('drops the #fragment of the URL and says so', async () => {
    const run = await runCli(args({ url: `${JSSDK.url}#/checkout` }));
    expect(run.lastLine).toBe(JSSDK.signature);
    expect(run.stdout).toContain('#fragment');
  });

  it('gives another signature when one input changes', async () => {
    const run = await runCli(args({ timestamp: '1414587458' }));
    expect(run.code).toBe(0);
    expect(run.lastLine).toMatch(/^[0-9a-f]{40}$/);
    expect(run.lastLine).not.toBe(JSSDK.signature);
  });

  it.each([
    ['no --url', args().slice(0, -2), 'missing --url'],
    ['a fractional timestamp', args({ timestamp: '1414587457.5' }), '--timestamp must be whole seconds'],
    ['a stray argument', [...args(), 'extra'], 'too many arguments'],
  ])('refuses %s with exit 2 and one line', async (_what, argv, reason) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.errorLines).toEqual([expect.stringContaining(reason)]);
  });
});
