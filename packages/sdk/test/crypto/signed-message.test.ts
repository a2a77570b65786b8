import { describe, expect, it } from 'vitest';
import { signedMessage } from '../../src/crypto/signed-message.js';

describe('signedMessage', () => {
  it('ends every line with a newline, the last one included', () => {
    expect(signedMessage('GET', '/v3/certificates', '1554208460', 'abc', '')).toBe(
      'GET\n/v3/certificates\n1554208460\nabc\n\n',
    );
  });

  it('keeps a Buffer line byte for byte', () => {
    const body = Buffer.from([0xe4, 0xbd, 0xa0, 0xff]);
    const message = signedMessage('1', 'n', body);
    expect(Buffer.isBuffer(message)).toBe(true);
    expect(message).toEqual(Buffer.concat([Buffer.from('1\nn\n'), body, Buffer.from('\n')]));
  });
});
