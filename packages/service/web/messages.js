// The service pages' one catalogue: every word a page shows, keyed, zh-CN first and English beside
// it. Pages import `t`, `say`, `startI18n` from here; static HTML names keys with `data-i18n`.

import { bindCatalogue } from './i18n.js';
import { ADMIN_MESSAGES } from './messages-admin.js';
import { POS_MESSAGES } from './messages-pos.js';
import { SHOP_MESSAGES } from './messages-shop.js';

export const MESSAGES = { ...SHOP_MESSAGES, ...ADMIN_MESSAGES, ...POS_MESSAGES };

export const { t, translate, say, applyMessages, setLanguage, startI18n, language, onLanguageChange } =
  bindCatalogue(MESSAGES);

/** The shopper's sentence for an API error: the catalogue's for its code, else the server's message. */
export function errorText(error) {
  const key = `error.${error?.code}`;
  return key in MESSAGES ? t(key) : (error?.message ?? String(error));
}
