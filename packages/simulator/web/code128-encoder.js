// Code 128 for digit strings (`/_sim/assets/code128-encoder.js`): the barcode a WeChat payment code
// (付款码) is printed as on the phone, so a cashier's USB scanner reads the 18 digits. Written here
// rather than pulled from a package because digits need only code set C (two digits a symbol) and
// the page loads no dependencies. Plain browser module, also imported by the simulator's tests.

/**
 * The 107 symbols' bar and space widths in modules (bar first), by symbol value: 0–102 the data
 * symbols, 103–105 START A/B/C, 106 STOP (with its final 2-module bar).
 */
export const CODE128_PATTERNS = (
  '212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 ' +
  '221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 ' +
  '221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 ' +
  '212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 ' +
  '231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 ' +
  '231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 ' +
  '314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 ' +
  '112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 ' +
  '111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 ' +
  '214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 ' +
  '114131 311141 411131 211412 211214 211232 2331112'
)
  .split(' ')
  .map((pattern) => pattern.split('').map(Number));

const START_C = 105;
const CODE_B = 100;
const STOP = 106;

/**
 * The symbol values for `digits`: START C, one symbol per pair, for an odd count a switch to code
 * set B for the last digit, the checksum (start + Σ value × position, mod 103) and STOP.
 */
export function code128Symbols(digits) {
  if (!/^\d+$/.test(String(digits))) throw new Error('Code 128 here encodes digits only');
  const text = String(digits);
  const values = [START_C];
  for (let i = 0; i + 1 < text.length; i += 2) values.push(Number(text.slice(i, i + 2)));
  if (text.length % 2 === 1) values.push(CODE_B, text.charCodeAt(text.length - 1) - 32);
  const checksum = values.reduce((sum, value, i) => sum + value * Math.max(i, 1), 0) % 103;
  return [...values, checksum, STOP];
}

/** The widths, bar first and alternating, of the whole barcode without its quiet zones. */
export function code128Widths(digits) {
  return code128Symbols(digits).flatMap((value) => CODE128_PATTERNS[value]);
}

/**
 * An `<svg>` of the barcode: one `<rect>` per bar on a 10-module quiet zone each side, scaled by
 * the viewBox so it stays crisp at any width.
 */
export function code128Svg(digits, height = 60) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const quiet = 10;
  let x = quiet;
  const widths = code128Widths(digits);
  widths.forEach((width, i) => {
    if (i % 2 === 0) {
      const bar = document.createElementNS(ns, 'rect');
      bar.setAttribute('x', String(x));
      bar.setAttribute('y', '0');
      bar.setAttribute('width', String(width));
      bar.setAttribute('height', String(height));
      svg.append(bar);
    }
    x += width;
  });
  svg.setAttribute('viewBox', `0 0 ${x + quiet} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.dataset.modules = String(x + quiet);
  return svg;
}
