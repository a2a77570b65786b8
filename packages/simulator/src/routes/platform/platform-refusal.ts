/**
 * The `errmsg` WeChat itself gives for each `errcode` the simulated platform answers, as seen in
 * WeChat's documentation and in answers developers have posted (before WeChat's ` rid: …` suffix).
 */
export const PLATFORM_ERRMSG = {
  [-1]: 'system error',
  40001:
    'invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40029: 'invalid code',
  40030: 'invalid refresh_token',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'code blocked',
  41001: 'access_token missing',
  41002: 'appid missing',
  41003: 'refresh_token missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  41009: 'missing openid',
  42001: 'access_token expired',
  42002: 'refresh_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  44002: 'empty post data',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  47001: 'data format error',
  48001: 'api unauthorized',
  48006: 'forbid to clear quota because of reaching the limit',
} as const;

export type PlatformErrcode = keyof typeof PLATFORM_ERRMSG;

/**
 * A refusal of the simulated `api.weixin.qq.com`: thrown by a check, answered by the route as
 * `{errcode, errmsg}` with HTTP 200, as WeChat does. `hint` says in plain words what the client got
 * wrong; it goes into `errmsg` in WeChat's old `hint: [...]` slot and must never quote a secret.
 */
export class PlatformRefusal extends Error {
  readonly errcode: PlatformErrcode;
  readonly hint: string | undefined;

  constructor(errcode: PlatformErrcode, hint?: string, errmsg?: string) {
    super(errmsg ?? PLATFORM_ERRMSG[errcode]);
    this.name = 'PlatformRefusal';
    this.errcode = errcode;
    this.hint = hint;
  }
}
