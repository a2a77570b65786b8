import type { JssdkPageSignature, OAuthScope, WechatIdentity } from '../domain/index.js';

/** What the WeChat platform routes need, bound to use cases by the composition root. */
export interface PlatformOperations {
  readonly officialAccountAppid: string;
  readonly miniProgramAppid?: string;
  authorizeUrl(input: { redirectUri: string; scope: OAuthScope; state: string }): string;
  signInWithOAuthCode(code: string, scope: OAuthScope): Promise<WechatIdentity>;
  signInWithLoginCode(code: string): Promise<WechatIdentity>;
  jssdkConfig(url: string): Promise<JssdkPageSignature>;
}

/** The platform part of `HttpAppOptions`; absent = the platform routes answer 503. */
export interface PlatformHttpOptions {
  operations: PlatformOperations;
  /** Signs session cookies, mini-program tokens and OAuth state cookies. */
  sessionSecret: string;
  /** The service's public URL: the OAuth `redirect_uri` and the cookies' `Secure` flag come from it. */
  publicUrl: string;
  /** Session expiry clock (the simulator's in the demo). */
  now?: () => number;
}
