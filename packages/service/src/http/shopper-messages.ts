/**
 * What a shopper is told when WeChat Pay refused to take an order: a short sentence by what the
 * shopper can do about it. WeChat's own wording (and our error chain around it) is for the merchant:
 * it stays in the admin view and the logs.
 *
 * The sentences have one home, the pages' catalogue `web/messages-shop.js`: the API answers
 * WeChat's code (`wechatError.code`) and each page says it in the shopper's language; this module
 * reads the same catalogue so the answer's `message` (for API clients) is the same words,
 * zh-CN first with English beside it.
 */
import { createRequire } from 'node:module';

type Catalogue = {
  SHOP_MESSAGES: Record<string, { 'zh-CN': string; en: string }>;
  prepayReasonKey: (code: string) => string;
};

/**
 * `web/` sits two levels above both `src/http` and `dist/http`. Required, not awaited: a top-level
 * `await` would make the whole service impossible to load with `require()` (Node's require(esm)).
 */
const catalogue = createRequire(import.meta.url)('../../web/messages-shop.js') as Catalogue;

/** The shopper's sentence for a prepay WeChat refused with `code`, zh-CN / en. */
export function shopperPrepayMessage(code: string): string {
  const entry = catalogue.SHOP_MESSAGES[catalogue.prepayReasonKey(code)]!;
  return `${entry['zh-CN']} / ${entry.en}`;
}
