import { describe, expect, it } from 'vitest';
import { urlProblem } from '../../src/use-cases/index.js';

describe('which URLs may receive webhooks', () => {
  it('takes https; plain http only when allowed (demo mode, WEBHOOK_ALLOW_HTTP=true)', () => {
    expect(urlProblem('https://erp.example.com/hooks?x=1', false)).toBeUndefined();
    expect(urlProblem('http://erp.example.com/hooks', false)).toMatch(/https/);
    expect(urlProblem('http://127.0.0.1:8080/hooks', true)).toBeUndefined();
  });

  it('refuses what is no http(s) URL, or carries credentials or a fragment', () => {
    for (const url of [
      'erp.example.com/hooks',
      'ftp://erp.example.com/hooks',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:secret@erp.example.com/hooks',
      'https://erp.example.com/hooks#part',
    ]) {
      expect(urlProblem(url, true), url).toBeDefined();
    }
    expect(urlProblem('https://user:secret@erp.example.com/hooks', true)).not.toContain('secret@');
  });
});
