import { WechatPayApiError } from '@wechatpay-kit/sdk';
import { expect } from 'vitest';

/** Awaits a call that must fail with WeChat's error answer, and hands that error over for its fields. */
export async function apiError(promise: Promise<unknown>): Promise<WechatPayApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WechatPayApiError);
  return error as WechatPayApiError;
}
