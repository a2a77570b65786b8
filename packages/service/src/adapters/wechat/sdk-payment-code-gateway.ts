import {
  collectPaymentCode,
  type PaymentCodeOutcome,
  type PaymentCodeResumer,
  type PaymentCodeStep,
  resumePaymentCode,
} from '@wechatpay-kit/sdk';
import type {
  ApiVersion,
  Clock,
  Order,
  PaymentCodeCollectOptions,
  PaymentCodeGateway,
  PaymentCodeProgress,
  PaymentCodeResult,
} from '../../domain/index.js';
import type { PaymentCodeProtocol } from './payment-code-protocol.js';
import { V2PaymentCodeGateway } from './v2/v2-payment-code-gateway.js';
import { V3PaymentCodeGateway } from './v3/v3-payment-code-gateway.js';
import type { WechatClients } from './wechat-clients.js';
import { toGatewayError } from './wechat-error-mapper.js';

export interface SdkPaymentCodeGatewayOptions {
  /** The merchant's store number sent with v3 codepay (`scene_info.store_info.out_id`). */
  storeId: string;
  clock: Clock;
}

/**
 * The payment-code port on the SDK's cashier procedure: `collectPaymentCode` for a fresh order,
 * `resumePaymentCode` (query first) for one taken over after a crash or a lost answer, in the
 * dialect of the order's `apiVersion`. The first pay call is wrapped so the use case hears
 * `code-used` as soon as it has been answered — the code can then be forgotten. SDK errors become
 * domain errors; an unconfirmed reversal (`WechatPayReconcileError`) is `WECHAT_UNAVAILABLE`.
 */
export class SdkPaymentCodeGateway implements PaymentCodeGateway {
  readonly #byVersion: Readonly<Record<ApiVersion, PaymentCodeProtocol<unknown>>>;
  readonly #options: SdkPaymentCodeGatewayOptions;

  constructor(clients: WechatClients, options: SdkPaymentCodeGatewayOptions) {
    this.#byVersion = {
      v2: new V2PaymentCodeGateway(clients) as PaymentCodeProtocol<unknown>,
      v3: new V3PaymentCodeGateway(clients) as PaymentCodeProtocol<unknown>,
    };
    this.#options = options;
  }

  async collect(order: Order, options: PaymentCodeCollectOptions): Promise<PaymentCodeResult> {
    const protocol = this.#byVersion[order.apiVersion];
    try {
      const place = {
        storeId: this.#options.storeId,
        ...(options.deviceId ? { deviceId: options.deviceId } : {}),
      };
      const cashier = withCodeUsed(protocol.cashier(order, options.authCode, place), options.onStep);
      const common = {
        pollMs: options.pollMs,
        deadlineMs: options.deadlineMs,
        onStep: (step: PaymentCodeStep) => {
          const progress = progressOf(step);
          if (progress) void Promise.resolve(options.onStep(progress)).catch(() => {});
        },
      };
      const outcome =
        options.resume || !cashier.pay
          ? await resumePaymentCode({ ...common, cashier })
          : await collectPaymentCode({ ...common, cashier: { ...cashier, pay: cashier.pay } });
      return this.#result(protocol, outcome);
    } catch (error) {
      throw toGatewayError(`${order.apiVersion} payment code`, error);
    }
  }

  #result(protocol: PaymentCodeProtocol<unknown>, outcome: PaymentCodeOutcome<unknown>): PaymentCodeResult {
    switch (outcome.outcome) {
      case 'paid': {
        const paid = protocol.paid(outcome.transaction);
        return { outcome: 'paid', ...paid, paidAt: paid.paidAt ?? this.#options.clock.now() };
      }
      case 'failed':
        // Found reversed by a resumed query: a reverse before the crash already gave the money back.
        return outcome.code === 'REVOKED'
          ? { outcome: 'reversed', reason: 'REVOKED' }
          : { outcome: 'failed', code: outcome.code, message: outcome.message };
      case 'reversed':
        return { outcome: 'reversed', reason: outcome.reason };
    }
  }
}

/** The cashier with its pay call reporting `code-used` once answered (awaited, so it is stored first). */
function withCodeUsed<T>(
  cashier: PaymentCodeResumer<T>,
  onStep: PaymentCodeCollectOptions['onStep'],
): PaymentCodeResumer<T> {
  const { pay } = cashier;
  if (!pay) return cashier;
  return {
    ...cashier,
    pay: async () => {
      try {
        return await pay();
      } finally {
        // Best effort: the use case forgets the code again when the procedure ends.
        await Promise.resolve(onStep({ step: 'code-used' })).catch(() => {});
      }
    },
  };
}

function progressOf(step: PaymentCodeStep): PaymentCodeProgress | undefined {
  switch (step.step) {
    case 'paying':
      return { step: 'paying' };
    case 'waiting-for-password':
      return { step: 'waiting-for-password' };
    case 'querying':
      return { step: 'querying', why: step.why };
    case 'reversing':
      return { step: 'reversing' };
    case 'reverse-again':
      return undefined;
  }
}
