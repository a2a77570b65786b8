/** The pages `open.weixin.qq.com/connect/oauth2/authorize` shows in the simulated WeChat browser. */

export interface ChooserPage {
  appName: string;
  appid: string;
  scope: 'snsapi_base' | 'snsapi_userinfo';
  redirectUri: string;
  users: { id: string; nickname: string; openid: string; href: string }[];
  /** `snsapi_userinfo` only: the user may refuse, and WeChat then redirects with `state` alone. */
  denyHref?: string;
}

/**
 * Stands in for WeChat's login: there is no WeChat app to say who the user is, so the person (or a
 * test following links) picks a simulated user; `snsapi_userinfo` adds WeChat's consent question.
 */
export function oauthChooserPage(page: ChooserPage): string {
  const consent =
    page.scope === 'snsapi_userinfo'
      ? `<p class="note" data-i18n="oauth.consent" data-i18n-params="${esc(JSON.stringify({ app: page.appName }))}"></p>`
      : '<p class="note" data-i18n="oauth.base"></p>';
  const users = page.users
    .map(
      (u) =>
        `<li><a class="user" href="${esc(u.href)}"><strong>${esc(u.nickname)}</strong><br><small>${esc(u.id)} · openid ${esc(u.openid)}</small></a></li>`,
    )
    .join('\n');
  const deny = page.denyHref
    ? `<p><a class="deny" href="${esc(page.denyHref)}" data-i18n="oauth.refuse"></a></p>`
    : '';
  return layout(
    'simulated WeChat: choose user',
    `<h1 data-i18n="oauth.title"></h1><span data-lang-switch></span>
<p>${esc(page.appName)} <code>${esc(page.appid)}</code> · <code>${esc(page.scope)}</code></p>
${consent}
<p><span data-i18n="oauth.returnsTo"></span> <code>${esc(page.redirectUri)}</code></p>
<ul>${users}</ul>
${deny}
<p class="note"><span data-i18n="oauth.tip"></span> <code>&amp;user=ID</code></p>`,
  );
}

/** WeChat's "Oops! Something went wrong" page, with the simulator's explanation under it. */
export function oauthErrorPage(errcode: number | undefined, message: string, hint?: string): string {
  const code =
    errcode === undefined ? '' : `<p><span data-i18n="oauth.errcode"></span><strong>${errcode}</strong></p>`;
  const explanation = hint ? `<p class="note">simulator: ${esc(hint)}</p>` : '';
  return layout(
    'Oops! Something went wrong:(',
    `<h1>Oops! Something went wrong:(</h1>${code}<p>${esc(message)}</p>${explanation}`,
  );
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222}
ul{list-style:none;padding:0}.lang-switch{float:right}a.user{display:block;padding:.8rem;margin:.5rem 0;border:1px solid #ddd;border-radius:.5rem;text-decoration:none;color:inherit}
a.user:hover{border-color:#07c160}.note{color:#666;font-size:.9rem}a.deny{color:#c00}code{word-break:break-all}</style>
</head><body>
${body}
<script type="module" src="/_sim/assets/messages.js"></script>
</body></html>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
