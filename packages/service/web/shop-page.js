// What the shop pages (checkout, JSAPI, H5) share: building elements, the status line, the product
// cards of the pages that pay in one tap, and the API-version switch. Plain browser module.
import { say } from './messages.js';
import { api } from './order-watch.js';

export const $ = (id) => document.getElementById(id);

export function element(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
}

/**
 * A function that shows the message `key` (with `params`) on the status line `id`; `state` lands in
 * `data-state` for styles and tests.
 */
export function statusLine(id) {
  return (key, params, state) => {
    const line = $(id);
    line.hidden = false;
    say(line, key, params);
    line.dataset.state = state;
  };
}

/** The catalogue as cards with one pay button each; `buy(product, button)` runs on a tap. */
export async function showPayableProducts(buy) {
  const products = await api('/api/products');
  $('products').replaceChildren(
    ...products.map((product) => {
      const button = say(element('button', { className: 'btn', type: 'button' }), 'shop.pay');
      button.disabled = !product.available;
      button.dataset.productId = product.id;
      button.addEventListener('click', () => buy(product, button));
      return element('article', { className: 'card' }, [
        element('h3', { textContent: product.name }),
        element('p', { textContent: product.description }),
        element('div', { className: 'row' }, [
          element('div', { className: 'price' }, [product.priceText]),
          button,
        ]),
      ]);
    }),
  );
}

/** Wires the `#api-version` buttons; the returned function tells the version chosen now. */
export function apiVersionSwitch(initial = 'v3') {
  let chosen = initial;
  const buttons = document.querySelectorAll('#api-version button');
  for (const button of buttons) {
    button.addEventListener('click', () => {
      chosen = button.dataset.version;
      for (const other of buttons) other.setAttribute('aria-pressed', String(other === button));
    });
  }
  return () => chosen;
}
