import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN_ROLES } from '../packages/service/src/domain/admin-roles.js';
import { AUDIT_ACTIONS } from '../packages/service/src/domain/audit-log.js';
import { ORDER_STATES } from '../packages/service/src/domain/order.js';
import { DISCREPANCY_KINDS, RECONCILIATION_STATUSES } from '../packages/service/src/domain/reconciliation.js';
import { REFUND_STATES } from '../packages/service/src/domain/refund.js';
import { shopperPrepayMessage } from '../packages/service/src/http/shopper-messages.js';

/**
 * The pages' words live in one catalogue per package (`web/messages*.js`): every key a page uses
 * must be there in zh-CN and English, and no page may spell its own text (a CJK character outside
 * the catalogue is the tell-tale of a hard-coded "中文 English" pair).
 */
type Catalogue = Record<string, { 'zh-CN': string; en: string }>;

const SERVICE_WEB = new URL('../packages/service/web/', import.meta.url);
const SIMULATOR_WEB = new URL('../packages/simulator/web/', import.meta.url);
/** The simulator's pages that are rendered on the server, with the same catalogue. */
const SIMULATOR_TEMPLATES = [
  new URL('../packages/simulator/src/routes/platform/platform-oauth-pages.ts', import.meta.url),
  new URL('../packages/simulator/src/control/pages/h5-cashier-page-html.ts', import.meta.url),
];
/**
 * Files allowed to hold CJK text: the catalogues, the language switch's own labels (中文 / EN) and
 * the stand-in WeixinJSBridge, which is loaded cross-origin into the merchant's page as one classic
 * script and keeps its few words in one table at its top, keyed by `<html lang>`.
 */
const CATALOGUE_FILES = /^(messages(-[a-z]+)?\.js|i18n\.js|jsbridge\.js)$/;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

const { MESSAGES: SERVICE } = (await import(new URL('messages.js', SERVICE_WEB).href)) as {
  MESSAGES: Catalogue;
};
const { MESSAGES: SIMULATOR } = (await import(new URL('messages.js', SIMULATOR_WEB).href)) as {
  MESSAGES: Catalogue;
};
const shop = (await import(new URL('messages-shop.js', SERVICE_WEB).href)) as {
  SHOP_MESSAGES: Catalogue;
  PREPAY_REASONS: Record<string, string>;
};
const i18n = (await import(new URL('i18n.js', SERVICE_WEB).href)) as {
  pickLanguage: (stored: string | null, browser: string | undefined) => string;
  interpolate: (text: string, params: object, resolve: (key: string) => string) => string;
};

function pageFiles(dir: URL): { name: string; text: string }[] {
  return readdirSync(dir)
    .filter((name) => /\.(html|js)$/.test(name))
    .map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') }));
}

/** Keys named literally: `data-i18n[-attr]="k"`, `t('k'`, `say(node, 'k'`, `msg('k'`, `{ key: 'k' }`, status lines. */
function literalKeys(text: string): string[] {
  const patterns = [
    /data-i18n(?:-[a-z-]+)?="([\w.-]+)"/g,
    /\b(?:t|msg|translate)\(\s*'([\w.-]+)'/g,
    /\bsay\([^,()]+,\s*'([\w.-]+)'/g,
    /\bstatus\(\s*'([\w.-]+)'/g,
    /\bkey:\s*'([\w.-]+)'/g,
    /\b(?:line|title|note):\s*'([\w.-]+)'/g,
    /\[\s*'(field\.\w+)'/g,
    /'((?:col|recon\.total|console\.col|phone\.result)\.\w+)'/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]!));
}

/** Keys built from a value (`` `order.state.${state}` ``): their prefixes. */
function keyFamilies(text: string): string[] {
  return [...text.matchAll(/`([a-zA-Z]+(?:\.[a-zA-Z]+)*\.)\$\{/g)].map((m) => m[1]!);
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe.each([
  ['service', SERVICE, pageFiles(SERVICE_WEB)],
  [
    'simulator',
    SIMULATOR,
    [
      ...pageFiles(SIMULATOR_WEB),
      ...SIMULATOR_TEMPLATES.map((url) => ({ name: url.pathname, text: readFileSync(url, 'utf8') })),
    ],
  ],
] as const)('the %s pages’ catalogue', (_name, catalogue, files) => {
  it('has every message in zh-CN and English, with the same {placeholders}', () => {
    for (const [key, entry] of Object.entries(catalogue)) {
      expect(entry['zh-CN'], key).toBeTruthy();
      expect(entry.en, key).toBeTruthy();
      expect(placeholders(entry.en), key).toEqual(placeholders(entry['zh-CN']));
      expect(CJK.test(entry.en), `${key}: CJK in the English text "${entry.en}"`).toBe(false);
    }
  });

  it('has every key a page names, and something under every key family a page builds', () => {
    for (const { name, text } of files) {
      for (const key of literalKeys(text)) expect(catalogue, `${name} uses ${key}`).toHaveProperty([key]);
      for (const family of keyFamilies(text)) {
        const known = Object.keys(catalogue).some((key) => key.startsWith(family));
        if (family.split('.').length > 1 && !family.startsWith('/'))
          expect(known, `${name} builds keys under ${family}`).toBe(true);
      }
    }
  });

  it('leaves no CJK text in the pages: the words are the catalogue’s', () => {
    const offending = files
      .filter(({ name }) => !CATALOGUE_FILES.test(name.split('/').pop()!))
      .flatMap(({ name, text }) =>
        text
          .split('\n')
          .map((line, i) => ({ line, at: `${name}:${i + 1}` }))
          .filter(
            ({ line }) => CJK.test(line) && !line.trim().startsWith('//') && !line.trim().startsWith('*'),
          )
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(offending).toEqual([]);
  });
});

describe('the service catalogue against the domain’s lists', () => {
  const has = (prefix: string, values: readonly string[]) => {
    for (const value of values) expect(SERVICE, `${prefix}${value}`).toHaveProperty([`${prefix}${value}`]);
  };

  it('names every order state, refund state, role, audit action and reconciliation word', () => {
    has('order.state.', ORDER_STATES);
    has('myOrders.state.', ORDER_STATES);
    has('state.', ORDER_STATES);
    has('refundWords.', REFUND_STATES);
    has('role.', ADMIN_ROLES);
    has('action.', AUDIT_ACTIONS);
    has('recon.kind.', DISCREPANCY_KINDS);
    has('recon.status.', RECONCILIATION_STATUSES);
    for (const key of Object.values(shop.PREPAY_REASONS)) expect(SERVICE).toHaveProperty([key]);
  });

  it('is where the API’s refused-prepay sentence comes from (one home for the words)', () => {
    const busy = shop.SHOP_MESSAGES['prepay.busy']!;
    expect(shopperPrepayMessage('SYSTEMERROR')).toBe(`${busy['zh-CN']} / ${busy.en}`);
    const otherwise = shop.SHOP_MESSAGES['prepay.otherwise']!;
    expect(shopperPrepayMessage('NOT_A_CODE')).toBe(`${otherwise['zh-CN']} / ${otherwise.en}`);
  });
});

describe('the language choice', () => {
  it('takes a stored choice first, else a browser language starting with zh means Chinese', () => {
    expect(i18n.pickLanguage('en', 'zh-CN')).toBe('en');
    expect(i18n.pickLanguage('zh-CN', 'en-US')).toBe('zh-CN');
    expect(i18n.pickLanguage(null, 'zh-TW')).toBe('zh-CN');
    expect(i18n.pickLanguage('fr', 'zh')).toBe('zh-CN');
    expect(i18n.pickLanguage(null, 'en-GB')).toBe('en');
    expect(i18n.pickLanguage(null, 'ja-JP')).toBe('en');
    expect(i18n.pickLanguage(null, undefined)).toBe('en');
  });

  it('fills {name} from the parameters, nested messages in the same language, and leaves unknown ones', () => {
    const resolve = (key: string) => `<${key}>`;
    expect(i18n.interpolate('{a} · {b} · {c}', { a: 1, b: { key: 'k' } }, resolve)).toBe('1 · <k> · {c}');
  });

  it('is one file, the same in the service and the simulator', () => {
    expect(readFileSync(new URL('i18n.js', SIMULATOR_WEB), 'utf8')).toBe(
      readFileSync(new URL('i18n.js', SERVICE_WEB), 'utf8'),
    );
  });
});
