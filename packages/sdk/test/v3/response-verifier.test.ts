import { createPrivateKey, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WechatPaySignatureError } from '../../src/errors.js';
import { signV3Response } from '../../src/v3/response-signer.js';
import { type HeaderBag, V3ResponseVerifier } from '../../src/v3/response-verifier.js';
import {
  CompositeKeyStore,
  PublicKeyStore,
  StaticKeyStore,
  type VerificationKeyStore,
} from '../../src/v3/verification-keys.js';
import { fixtures } from '../support/fixtures.js';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const nowSeconds = Math.floor(NOW / 1000);
const body = '{"code_url":"weixin://wxpay/bizpayurl?pr=JyC91EIz1"}';

/** Signs independently of the SDK, with node:crypto directly. */
function signed(
  text: string,
  key: string = fixtures.platformKey,
  serial: string = fixtures.platformSerial,
  timestamp = nowSeconds,
): Record<string, string> {
  const nonce = 'fdasflkja484w';
  const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${text}\n`), createPrivateKey(key));
  return {
    'Wechatpay-Timestamp': String(timestamp),
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signature.toString('base64'),
    'Wechatpay-Serial': serial,
    'Request-ID': '08F78BB5AF0610E1030718F3A23E8A0A2B',
  };
}

const platformKeys = new StaticKeyStore({ [fixtures.platformSerial]: fixtures.platformCert });
const verifier = new V3ResponseVerifier({ keys: platformKeys, now: () => NOW });

function failure(v: V3ResponseVerifier, headers: HeaderBag, text: string | Buffer): WechatPaySignatureError {
  try {
    v.verify(headers, text);
  } catch (err) {
    if (err instanceof WechatPaySignatureError) return err;
    throw err;
  }
  throw new Error('verification unexpectedly passed');
}

describe('V3ResponseVerifier', () => {
  it('accepts a good signature and reports what it established', () => {
    expect(verifier.verify(signed(body), body)).toEqual({
      timestamp: nowSeconds,
      nonce: 'fdasflkja484w',
      serial: fixtures.platformSerial,
      requestId: '08F78BB5AF0610E1030718F3A23E8A0A2B',
    });
    expect(verifier.verify(signed(body), Buffer.from(body))).toMatchObject({
      serial: fixtures.platformSerial,
    });
  });

  it('matches header names case-insensitively and takes the first of repeated values', () => {
    const lower = Object.fromEntries(
      Object.entries(signed(body)).map(([k, v]) => [k.toLowerCase(), [v, 'x']]),
    );
    expect(verifier.verify(lower, body).serial).toBe(fixtures.platformSerial);
  });

  it('refuses the body with any one byte changed', () => {
    const headers = signed(body);
    const bytes = Buffer.from(body);
    for (const i of [0, 5, 20, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[i]! ^= 0x20;
      expect(failure(verifier, headers, tampered).reason).toBe('bad-signature');
    }
  });

  it('refuses a signature that does not belong to the named serial', () => {
    const headers = signed(body, fixtures.merchantKey);
    expect(failure(verifier, headers, body).reason).toBe('bad-signature');
  });

  it('accepts up to 299 s of skew either way and refuses 300 s', () => {
    expect(() => verifier.verify(signed(body, undefined, undefined, nowSeconds - 299), body)).not.toThrow();
    expect(() => verifier.verify(signed(body, undefined, undefined, nowSeconds + 299), body)).not.toThrow();
    expect(failure(verifier, signed(body, undefined, undefined, nowSeconds - 300), body).reason).toBe(
      'stale-timestamp',
    );
    expect(failure(verifier, signed(body, undefined, undefined, nowSeconds + 300), body).reason).toBe(
      'stale-timestamp',
    );
  });

  it('refuses a non-numeric timestamp as stale', () => {
    const headers = { ...signed(body), 'Wechatpay-Timestamp': '1e9' };
    expect(failure(verifier, headers, body).reason).toBe('stale-timestamp');
  });

  it.each(['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'])(
    'refuses an answer without %s',
    (name) => {
      const headers: Record<string, string> = signed(body);
      delete headers[name];
      const err = failure(verifier, headers, body);
      expect(err.reason).toBe('missing-header');
      expect(err.message).toContain(name);
    },
  );

  it.each(['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'])(
    'refuses an answer whose %s is empty, as missing',
    (name) => {
      const err = failure(verifier, { ...signed(body), [name]: '' }, body);
      expect(err.reason).toBe('missing-header');
      expect(err.message).toContain(name);
    },
  );

  it('refuses a Wechatpay-Signature that decodes to no bytes at all', () => {
    for (const signature of ['====', '!!!!', ' ']) {
      const err = failure(verifier, { ...signed(body), 'Wechatpay-Signature': signature }, body);
      expect(err.reason, JSON.stringify(signature)).toBe('bad-signature');
    }
  });

  it('refuses an unknown serial and lists the known ones', () => {
    const err = failure(verifier, signed(body, undefined, '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'), body);
    expect(err.reason).toBe('unknown-serial');
    expect(err.detail.known).toEqual([fixtures.platformSerial]);
  });

  it('refuses WeChat probe signatures (WECHATPAY/SIGNTEST/) as such', () => {
    const headers = { ...signed(body), 'Wechatpay-Signature': 'WECHATPAY/SIGNTEST/eHh4eHh4eHh4eA==' };
    expect(failure(verifier, headers, body).reason).toBe('probe-signature');
  });

  it('verifies the public-key mode (PUB_KEY_ID_…)', () => {
    const keys = new PublicKeyStore(fixtures.publicKeyId, fixtures.publicModePub);
    const v = new V3ResponseVerifier({ keys, now: () => NOW });
    expect(v.verify(signed(body, fixtures.publicModeKey, fixtures.publicKeyId), body).serial).toBe(
      fixtures.publicKeyId,
    );
    expect(failure(v, signed(body, fixtures.platformKey, fixtures.publicKeyId), body).reason).toBe(
      'bad-signature',
    );
    expect(failure(v, signed(body), body).reason).toBe('unknown-serial');
  });

  it('verifies either key during the migration with a composite store', () => {
    const keys = new CompositeKeyStore([
      platformKeys,
      new PublicKeyStore(fixtures.publicKeyId, fixtures.publicModePub),
    ]);
    const v = new V3ResponseVerifier({ keys, now: () => NOW });
    expect(v.verify(signed(body), body).serial).toBe(fixtures.platformSerial);
    expect(v.verify(signed(body, fixtures.publicModeKey, fixtures.publicKeyId), body).serial).toBe(
      fixtures.publicKeyId,
    );
    expect(keys.serials()).toEqual([fixtures.platformSerial, fixtures.publicKeyId]);
    expect(failure(v, signed(body, fixtures.publicModeKey, fixtures.platformSerial), body).reason).toBe(
      'bad-signature',
    );
  });

  it('refreshes once on an unknown serial, then verifies', async () => {
    let refreshes = 0;
    const inner = new StaticKeyStore();
    const keys: VerificationKeyStore = {
      get: (serial) => inner.get(serial),
      serials: () => inner.serials(),
      refresh: async () => {
        refreshes++;
        inner.add(fixtures.platformSerial, fixtures.platformCert);
      },
    };
    const v = new V3ResponseVerifier({ keys, now: () => NOW });
    await expect(v.verifyWithRefresh(signed(body), body)).resolves.toMatchObject({
      serial: fixtures.platformSerial,
    });
    expect(refreshes).toBe(1);
    await expect(v.verifyWithRefresh(signed(body, undefined, 'UNKNOWN'), body)).rejects.toMatchObject({
      reason: 'unknown-serial',
    });
    expect(refreshes).toBe(2);
  });

  it('accepts what signV3Response produces, and only for that body', () => {
    const headers = signV3Response(body, {
      privateKey: fixtures.platformKey,
      serial: fixtures.platformSerial,
      now: () => NOW,
    });
    expect(headers['Wechatpay-Signature-Type']).toBe('WECHATPAY2-SHA256-RSA2048');
    expect(verifier.verify(headers, body).serial).toBe(fixtures.platformSerial);
    expect(failure(verifier, headers, `${body} `).reason).toBe('bad-signature');
  });
});
