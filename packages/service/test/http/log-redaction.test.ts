import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { simulatorPlatform } from '../../../cli/src/demo/simulator-merchant-settings.js';
import { useServiceBesideSimulator } from './service-beside-simulator.js';

const ADMIN_TOKEN = 'log-redaction-admin-token-0000001';
const SECRETS = {
  oauthCode: 'OAUTHCODE0secret1',
  oauthState: 'STATE0secret2',
  nestedCode: 'NESTEDCODE0secret3',
  accessToken: 'ACCESSTOKEN0secret4',
  cookie: 'COOKIE0secret5',
  apiKey: 'APIKEY0secret6',
  listedToken: 'LISTEDTOKEN0secret7',
  sessionKey: 'SESSIONKEY0secret8',
  urlCode: 'URLCODE0secret9',
  ticket: 'TICKET0secret10',
};

describe('log redaction through the real logger', () => {
  const stream = new PassThrough();
  let output = '';
  stream.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const running = useServiceBesideSimulator('log-redaction', (simulator) => ({
    config: {
      adminToken: ADMIN_TOKEN,
      platform: simulatorPlatform(simulator.merchant, simulator.url, '127.0.0.1'),
    },
    options: { logStream: stream },
  }));

  it('query strings (the OAuth code, tokens, a URL inside a URL), headers and nested objects are censored', async () => {
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${running.service.url}${path}`, { headers }).then((r) => r.arrayBuffer());
    await get(`/wechat/oauth/callback?code=${SECRETS.oauthCode}&state=${SECRETS.oauthState}`);
    const page = `http://127.0.0.1/jsapi?code=${SECRETS.nestedCode}&from=menu`;
    await get(`/api/jssdk/config?url=${encodeURIComponent(page)}`);
    await get(`/api/admin/orders?limit=5&access_token=${SECRETS.accessToken}`, {
      Authorization: `Bearer ${ADMIN_TOKEN}`,
      Cookie: `wxsession=${SECRETS.cookie}`,
    });
    running.service.app.log.warn(
      {
        merchant: { mchid: '1900000109', keys: { apiKey: SECRETS.apiKey } },
        calls: [{ access_token: SECRETS.listedToken, session_key: SECRETS.sessionKey }],
        redirect: `https://merchant.example/cb?state=x&code=${SECRETS.urlCode}#wechat_redirect`,
        platform: { jsapiTicket: SECRETS.ticket, errcode: 40001 },
      },
      'nested secrets',
    );
    await new Promise((r) => setImmediate(r));

    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const [name, secret] of Object.entries(SECRETS)) expect(output, name).not.toContain(secret);
    expect(output).not.toContain(ADMIN_TOKEN);
    // What is not secret stays readable.
    const urls = lines.map((l) => (l.req as { url?: string } | undefined)?.url).filter(Boolean);
    expect(urls).toContain('/wechat/oauth/callback?code=[redacted]&state=[redacted]');
    expect(urls).toContain('/api/admin/orders?limit=5&access_token=[redacted]');
    expect(urls.some((u) => u?.includes('%3Fcode%3D[redacted]%26from%3Dmenu'))).toBe(true);
    const nested = lines.find((l) => l.msg === 'nested secrets');
    expect(nested).toMatchObject({
      merchant: { mchid: '1900000109', keys: { apiKey: '[redacted]' } },
      calls: [{ access_token: '[redacted]', session_key: '[redacted]' }],
      redirect: 'https://merchant.example/cb?state=[redacted]&code=[redacted]#wechat_redirect',
      platform: { jsapiTicket: '[redacted]', errcode: 40001 },
    });
  });
});
