import { createPublicKey, verify } from 'node:crypto';
import { v2Sign } from '@wechatpay-kit/sdk/crypto';
import type { RunningDemo } from '../../../cli/src/demo/demo-launcher.js';
import { json } from './demo-harness.js';

type Demo = RunningDemo & { url: string };

/** `name=value` of a `Set-Cookie` answer header, or undefined. */
export function cookieFrom(headers: Headers, name: string): string | undefined {
  const found = headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return found?.split(';', 1)[0];
}

/** Starts the sign-in like a browser: the authorize URL WeChat is sent to, and the state cookie. */
export async function startOAuth(demo: Demo, query = 'returnTo=/jsapi') {
  const login = await fetch(`${demo.url}/wechat/login?${query}`, { redirect: 'manual' });
  const location = login.headers.get('location') ?? '';
  const stateCookie = cookieFrom(login.headers, 'wxoauth');
  return { status: login.status, location, stateCookie };
}

/** The simulated user signs in at the simulator's authorize page; WeChat's redirect back to us. */
export async function authorizeAs(authorizeUrl: string, user: string): Promise<string> {
  const page = authorizeUrl.split('#', 1)[0];
  const answer = await fetch(`${page}&user=${user}`, { redirect: 'manual' });
  if (answer.status !== 302) throw new Error(`authorize answered ${answer.status}`);
  return answer.headers.get('location') ?? '';
}

/** The whole web authorisation over HTTP, following the redirects: the session cookie. */
export async function signInWithOAuth(demo: Demo, user: string, scope = 'snsapi_base'): Promise<string> {
  const start = await startOAuth(demo, `returnTo=/jsapi&scope=${scope}`);
  const callback = await authorizeAs(start.location, user);
  const back = await fetch(callback, { redirect: 'manual', headers: { cookie: start.stateCookie ?? '' } });
  const session = cookieFrom(back.headers, 'wxsession');
  if (back.status !== 302 || !session) throw new Error(`callback answered ${back.status}`);
  return session;
}

/** `wx.login()` at the simulator, then the service's login: the mini-program session token. */
export async function miniProgramLogin(demo: Demo, user: string): Promise<{ token: string; openid: string }> {
  const code = await loginCode(demo, user);
  const login = await json<{ token: string; openid: string }>(`${demo.url}/api/miniprogram/login`, {
    method: 'POST',
    body: JSON.stringify({ code }),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  return login.body;
}

export async function loginCode(demo: Demo, user: string): Promise<string> {
  const answer = await json<{ code: string }>(`${demo.simulator.url}/_sim/platform/login-code`, {
    method: 'POST',
    body: JSON.stringify({ appid: demo.simulator.merchant.miniProgramAppid, user }),
  });
  return answer.body.code;
}

/** Today's platform API calls of the official account, as the simulator counted them. */
export async function platformUsage(demo: Pick<Demo, 'simulator'>): Promise<Record<string, number>> {
  const settings = await json<{ usageToday: Record<string, Record<string, number>> }>(
    `${demo.simulator.url}/_sim/platform/settings`,
  );
  return settings.body.usageToday[demo.simulator.merchant.appid] ?? {};
}

/** Checks `paySign` as the buyer's WeChat would: v2 with the API key, v3 with the merchant certificate. */
export function payParamsSignatureValid(demo: Demo, params: Record<string, string>): boolean {
  const { paySign, ...signed } = params;
  const m = demo.simulator.merchant;
  if (params.signType === 'RSA') {
    const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    return verify(
      'sha256',
      Buffer.from(message),
      createPublicKey(m.certificatePem),
      Buffer.from(paySign ?? '', 'base64'),
    );
  }
  return v2Sign(signed, m.apiKey, params.signType as 'MD5' | 'HMAC-SHA256') === paySign;
}
