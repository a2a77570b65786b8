// A QR code for a payment code (`/_sim/assets/qr-encoder.js`): numeric mode, version 1 (21 × 21),
// error correction M — room for 34 digits, and a WeChat code has 18. The phone page loads nothing
// from packages, and a QR library for the browser is far larger than this one case needs; the
// tests compare every mask of it with the `qrcode` package the service uses.

const SIZE = 21;
const DATA_CODEWORDS = 16;
const EC_CODEWORDS = 10;
/** Level M's two format bits. */
const LEVEL_M = 0b00;

/** GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1: exponent and logarithm tables. */
const EXP = new Array(512);
const LOG = new Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
}
const mul = (a, b) => (a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]]);

/** The Reed–Solomon generator of degree `n`, highest power first: Π (x − αⁱ), i < n. */
function generator(n) {
  let poly = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array(poly.length + 1).fill(0);
    poly.forEach((c, j) => {
      next[j] ^= c;
      next[j + 1] ^= mul(c, EXP[i]);
    });
    poly = next;
  }
  return poly;
}

/** The error-correction codewords: the remainder of data · x^n divided by the generator. */
function reedSolomon(data, n) {
  const gen = generator(n);
  const rest = [...data, ...new Array(n).fill(0)];
  for (let i = 0; i < data.length; i++) {
    const factor = rest[i];
    if (factor === 0) continue;
    gen.forEach((c, j) => {
      rest[i + j] ^= mul(c, factor);
    });
  }
  return rest.slice(data.length);
}

/** Mode 0001, a 10-bit count, 10 bits per 3 digits (7 for 2, 4 for 1), terminator, pad bytes. */
function dataCodewords(digits) {
  const bits = [];
  const put = (value, length) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >> i) & 1);
  };
  put(0b0001, 4);
  put(digits.length, 10);
  for (let i = 0; i < digits.length; i += 3) {
    const group = digits.slice(i, i + 3);
    put(Number(group), [0, 4, 7, 10][group.length]);
  }
  const capacity = DATA_CODEWORDS * 8;
  for (let i = 0; i < 4 && bits.length < capacity; i++) bits.push(0);
  while (bits.length % 8 !== 0) bits.push(0);
  const bytes = [];
  for (let i = 0; i < bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8).join(''), 2));
  for (let pad = 0; bytes.length < DATA_CODEWORDS; pad++) bytes.push(pad % 2 === 0 ? 0xec : 0x11);
  return bytes;
}

const MASKS = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r * c) % 3) + ((r + c) % 2)) % 2 === 0,
];

/** The 15 format bits: level and mask, a BCH(15,5) remainder, XOR 101010000010010. */
function formatBits(mask) {
  const data = (LEVEL_M << 3) | mask;
  let rem = data << 10;
  for (let bit = 14; bit >= 10; bit--) if (rem & (1 << bit)) rem ^= 0x537 << (bit - 10);
  return ((data << 10) | rem) ^ 0x5412;
}

/** The finder patterns, separators, timing lines and dark module; `reserved` marks them and the format areas. */
function functionPatterns() {
  const dark = Array.from({ length: SIZE }, () => new Array(SIZE).fill(false));
  const reserved = Array.from({ length: SIZE }, () => new Array(SIZE).fill(false));
  const finder = (top, left) => {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        const row = top + r;
        const col = left + c;
        if (row < 0 || col < 0 || row >= SIZE || col >= SIZE) continue;
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        dark[row][col] = ring !== 2 && ring !== 4;
        reserved[row][col] = true;
      }
    }
  };
  finder(0, 0);
  finder(0, SIZE - 7);
  finder(SIZE - 7, 0);
  for (let i = 8; i < SIZE - 8; i++) {
    dark[6][i] = dark[i][6] = i % 2 === 0;
    reserved[6][i] = reserved[i][6] = true;
  }
  for (let i = 0; i < 9; i++) {
    reserved[8][i] = reserved[i][8] = true;
    if (i < 8) reserved[8][SIZE - 1 - i] = reserved[SIZE - 1 - i][8] = true;
  }
  dark[SIZE - 8][8] = true;
  return { dark, reserved };
}

function placeFormat(dark, mask) {
  const bits = formatBits(mask);
  for (let i = 0; i < 15; i++) {
    const on = ((bits >> i) & 1) === 1;
    // Down the column beside the top-left finder, then up the bottom-left one.
    const row = i < 6 ? i : i < 8 ? i + 1 : SIZE - 15 + i;
    dark[row][8] = on;
    // Right to left along the row under the top-right finder, then past the top-left one.
    const col = i < 8 ? SIZE - 1 - i : i < 9 ? 15 - i : 14 - i;
    dark[8][col] = on;
  }
}

/** Codewords into the free modules: two-column strips from the right, zigzagging up and down. */
function placeData(dark, reserved, codewords, mask) {
  const bits = codewords.flatMap((byte) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (byte >> i) & 1));
  let next = 0;
  let upward = true;
  for (let right = SIZE - 1; right > 0; right -= 2) {
    if (right === 6) right = 5;
    for (let step = 0; step < SIZE; step++) {
      const row = upward ? SIZE - 1 - step : step;
      for (const col of [right, right - 1]) {
        if (reserved[row][col]) continue;
        const bit = next < bits.length ? bits[next++] === 1 : false;
        dark[row][col] = bit !== MASKS[mask](row, col);
      }
    }
    upward = !upward;
  }
}

/** The four penalty rules of ISO/IEC 18004 §7.8.3: the mask with the lowest score is used. */
function penalty(dark) {
  let score = 0;
  const line = (get) => {
    for (let a = 0; a < SIZE; a++) {
      let run = 1;
      for (let b = 1; b <= SIZE; b++) {
        if (b < SIZE && get(a, b) === get(a, b - 1)) run++;
        else {
          if (run >= 5) score += run - 2;
          run = 1;
        }
      }
      for (let b = 0; b + 10 < SIZE; b++) {
        const s = Array.from({ length: 11 }, (_, k) => (get(a, b + k) ? 1 : 0)).join('');
        if (s === '10111010000' || s === '00001011101') score += 40;
      }
    }
  };
  line((r, c) => dark[r][c]);
  line((c, r) => dark[r][c]);
  let darkCount = 0;
  for (let r = 0; r < SIZE; r++) {
    for (let c = 0; c < SIZE; c++) {
      if (dark[r][c]) darkCount++;
      if (r + 1 < SIZE && c + 1 < SIZE) {
        const v = dark[r][c];
        if (v === dark[r + 1][c] && v === dark[r][c + 1] && v === dark[r + 1][c + 1]) score += 3;
      }
    }
  }
  score += Math.floor(Math.abs((darkCount * 100) / (SIZE * SIZE) - 50) / 5) * 10;
  return score;
}

/**
 * The modules (rows of booleans, `true` dark) of `digits`; `mask` 0–7 forces a mask pattern,
 * otherwise the one with the least penalty is chosen.
 */
export function qrMatrix(digits, mask) {
  const text = String(digits);
  if (!/^\d{1,34}$/.test(text)) throw new Error('this QR encoder takes 1–34 digits');
  const data = dataCodewords(text);
  const codewords = [...data, ...reedSolomon(data, EC_CODEWORDS)];
  const build = (m) => {
    const { dark, reserved } = functionPatterns();
    placeData(dark, reserved, codewords, m);
    placeFormat(dark, m);
    return dark;
  };
  if (mask !== undefined) return build(mask);
  let best = null;
  let bestScore = Infinity;
  for (let m = 0; m < MASKS.length; m++) {
    const candidate = build(m);
    const score = penalty(candidate);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** An `<svg>` of the QR with a 4-module quiet zone: one path of unit squares, crisp at any size. */
export function qrSvg(digits) {
  const ns = 'http://www.w3.org/2000/svg';
  const matrix = qrMatrix(digits);
  const quiet = 4;
  let d = '';
  matrix.forEach((row, r) => {
    row.forEach((on, c) => {
      if (on) d += `M${c + quiet} ${r + quiet}h1v1h-1z`;
    });
  });
  const svg = document.createElementNS(ns, 'svg');
  const extent = SIZE + 2 * quiet;
  svg.setAttribute('viewBox', `0 0 ${extent} ${extent}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  svg.append(path);
  return svg;
}
