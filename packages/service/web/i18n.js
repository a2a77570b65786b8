// The pages' language: a catalogue of keyed messages (zh-CN first, English beside it), the choice
// (stored, else the browser's), a 中文 / EN switch in the header, and re-rendering without a reload.
// The same file sits in the service's and the simulator's web/ (a test keeps the two copies equal);
// each package's messages.js binds it to that package's catalogue. Plain browser module, no build.

export const LANGUAGES = ['zh-CN', 'en'];
export const LANGUAGE_KEY = 'wechatpay-kit.lang';
const SWITCH_LABELS = { 'zh-CN': '中文', en: 'EN' };
/** Attributes that `data-i18n-<attribute>="key"` fills, besides the text (`data-i18n`). */
const ATTRIBUTES = ['placeholder', 'aria-label', 'title', 'alt'];

/** A stored choice wins; otherwise a browser whose language starts with `zh` reads Chinese. */
export function pickLanguage(stored, browserLanguage) {
  if (LANGUAGES.includes(stored)) return stored;
  return String(browserLanguage ?? '')
    .toLowerCase()
    .startsWith('zh')
    ? 'zh-CN'
    : 'en';
}

/** `{name}` → `params.name`; a `{ key, params }` value is itself a message in the same language. */
export function interpolate(text, params, resolve) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!params || !(name in params)) return whole;
    const value = params[name];
    return value !== null && typeof value === 'object' && 'key' in value
      ? resolve(value.key, value.params)
      : String(value);
  });
}

function storedLanguage() {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

function parseParams(json) {
  if (!json) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/**
 * The helpers for one catalogue (`{ key: { 'zh-CN': text, en: text } }`). Outside a browser
 * (the server reads the same catalogue) the language is zh-CN and nothing touches the DOM.
 */
export function bindCatalogue(messages) {
  const inBrowser = typeof document !== 'undefined';
  let current = inBrowser ? pickLanguage(storedLanguage(), navigator.language) : 'zh-CN';
  const listeners = new Set();

  const translate = (language, key, params) => {
    const entry = messages[key];
    if (!entry) return key;
    return interpolate(entry[language] ?? entry['zh-CN'], params, (k, p) => translate(language, k, p));
  };
  const t = (key, params) => translate(current, key, params);

  /** Gives `node` the text of `key` and remembers it, so a language switch re-renders it. */
  const say = (node, key, params) => {
    node.dataset.i18n = key;
    if (params) node.dataset.i18nParams = JSON.stringify(params);
    else delete node.dataset.i18nParams;
    node.textContent = t(key, params);
    return node;
  };

  const applyMessages = (root = document) => {
    for (const node of root.querySelectorAll('[data-i18n]')) {
      node.textContent = t(node.dataset.i18n, parseParams(node.dataset.i18nParams));
    }
    for (const attribute of ATTRIBUTES) {
      for (const node of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
        node.setAttribute(attribute, t(node.getAttribute(`data-i18n-${attribute}`)));
      }
    }
  };

  const switches = [];
  const render = () => {
    document.documentElement.lang = current;
    applyMessages();
    for (const button of switches)
      button.setAttribute('aria-pressed', String(button.dataset.lang === current));
    for (const listener of listeners) listener(current);
  };

  const setLanguage = (language) => {
    if (!LANGUAGES.includes(language)) return;
    current = language;
    try {
      localStorage.setItem(LANGUAGE_KEY, language);
    } catch {
      // private mode: the choice lasts until the page closes
    }
    render();
  };

  /** Puts a 中文 / EN switch into each `[data-lang-switch]` (a modal dialog may have its own), else the header. */
  const installSwitch = () => {
    let holders = [...document.querySelectorAll('[data-lang-switch]')];
    if (holders.length === 0) {
      const holder = document.createElement('span');
      holder.dataset.langSwitch = '';
      (document.querySelector('.topbar, header, body') ?? document.body).append(holder);
      holders = [holder];
    }
    for (const holder of holders) {
      holder.classList.add('lang-switch');
      holder.setAttribute('role', 'group');
      holder.setAttribute('aria-label', 'Language 语言');
      holder.replaceChildren(
        ...LANGUAGES.map((language) => {
          const button = document.createElement('button');
          button.type = 'button';
          button.dataset.lang = language;
          if (!holder.dataset.langSwitch) button.dataset.testid = `lang-${language === 'en' ? 'en' : 'zh'}`;
          button.lang = language;
          button.textContent = SWITCH_LABELS[language];
          button.addEventListener('click', () => setLanguage(language));
          switches.push(button);
          return button;
        }),
      );
    }
  };

  /** Applies the catalogue to the page as it is and shows the switch; call once at start. */
  const startI18n = () => {
    if (switches.length === 0) installSwitch();
    render();
  };

  return {
    t,
    translate,
    say,
    applyMessages,
    setLanguage,
    startI18n,
    language: () => current,
    /** `listener(language)` runs after every switch, for text a page composes itself. */
    onLanguageChange: (listener) => listeners.add(listener),
  };
}
