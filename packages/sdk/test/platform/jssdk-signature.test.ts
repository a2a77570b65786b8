import { describe, expect, it } from 'vitest';
import { buildJssdkConfig, jssdkSignature } from '../../src/platform/jssdk-signature.js';

// Worked example from the appendix of the official JS-SDK documentation.
const VECTOR = {
  ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
  noncestr: 'Wm3WZYTPz0wzccnW',
  timestamp: 1414587457,
  url: 'http://mp.weixin.qq.com?params=value',
  signature: '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
};

describe('jssdkSignature (official JS-SDK appendix vector)', () => {
  it('reproduces the published signature', () => {
    expect(jssdkSignature(VECTOR.ticket, VECTOR.noncestr, VECTOR.timestamp, VECTOR.url)).toBe(
      VECTOR.signature,
    );
    expect(jssdkSignature(VECTOR.ticket, VECTOR.noncestr, String(VECTOR.timestamp), VECTOR.url)).toBe(
      VECTOR.signature,
    );
  });

  it('ignores the #fragment, which the browser never sends', () => {
    expect(jssdkSignature(VECTOR.ticket, VECTOR.noncestr, VECTOR.timestamp, `${VECTOR.url}#frag`)).toBe(
      VECTOR.signature,
    );
  });

  it('changes with any one input changed', () => {
    const sign = (over: Partial<typeof VECTOR>) => {
      const v = { ...VECTOR, ...over };
      return jssdkSignature(v.ticket, v.noncestr, v.timestamp, v.url);
    };
    expect(sign({ ticket: `${VECTOR.ticket.slice(0, -1)}h` })).not.toBe(VECTOR.signature);
    expect(sign({ noncestr: 'Wm3WZYTPz0wzccnX' })).not.toBe(VECTOR.signature);
    expect(sign({ timestamp: VECTOR.timestamp + 1 })).not.toBe(VECTOR.signature);
    // A "normalised" URL (trailing slash added by new URL()) is a different URL to WeChat.
    expect(sign({ url: 'http://mp.weixin.qq.com/?params=value' })).not.toBe(VECTOR.signature);
  });

  it('buildJssdkConfig signs with its own fresh nonce and the given time', () => {
    const now = VECTOR.timestamp * 1000 + 999;
    const a = buildJssdkConfig('wx5f3a9c1e7b2d4f60', VECTOR.ticket, VECTOR.url, now);
    const b = buildJssdkConfig('wx5f3a9c1e7b2d4f60', VECTOR.ticket, VECTOR.url, now);
    expect(a.appId).toBe('wx5f3a9c1e7b2d4f60');
    expect(a.timestamp).toBe(VECTOR.timestamp);
    expect(a.nonceStr).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(a.nonceStr).not.toBe(b.nonceStr);
    expect(a.signature).toBe(jssdkSignature(VECTOR.ticket, a.nonceStr, VECTOR.timestamp, VECTOR.url));
  });
});
