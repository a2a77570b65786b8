/**
 * An independent, unmodified third-party client — wechatpay-axios-plugin, configured as its README
 * says — against the simulator: it must accept our signatures and we must accept its requests.
 */
import { describe, expect, it } from 'vitest';
import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import type { RunningSimulator } from '../../src/simulator-server.js';
import { useV3Simulator } from './support/use-v3-simulator.js';
import { NOTIFY_URL, sendRaw, signedHeaders, uniqueNo } from './support/v3-test-kit.js';

function pluginFor(sim: RunningSimulator, certs: Record<string, string>) {
  return new Wechatpay({
    mchid: sim.merchant.mchid,
    serial: sim.merchant.serialNo,
    privateKey: sim.merchant.privateKeyPem,
    certs,
    baseURL: `${sim.url}/`,
  });
}

/** Native order, query, close — the plugin verifies every 2xx answer (204 included) itself. */
async function orderLifecycle(sim: RunningSimulator, wxpay: ReturnType<typeof pluginFor>) {
  const outTradeNo = uniqueNo('AX');
  const created = await wxpay.v3!.pay!.transactions!.native!.post({
    mchid: sim.merchant.mchid,
    out_trade_no: outTradeNo,
    appid: sim.merchant.appid,
    description: 'axios plugin 下单',
    notify_url: NOTIFY_URL,
    amount: { total: 1, currency: 'CNY' },
  });
  expect(created.status).toBe(200);
  expect((created.data as { code_url?: string }).code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl/);

  const queried = await wxpay.v3!.pay!.transactions!.outTradeNo!._out_trade_no_!.get({
    params: { mchid: sim.merchant.mchid },
    out_trade_no: outTradeNo,
  });
  expect(queried.data).toMatchObject({ out_trade_no: outTradeNo, trade_state: 'NOTPAY' });

  const closed = await wxpay.v3!.pay!.transactions!.outTradeNo!.$out_trade_no$!.close!.post(
    { mchid: sim.merchant.mchid },
    { out_trade_no: outTradeNo },
  );
  expect(closed.status).toBe(204);
  const after = await wxpay.v3!.pay!.transactions!.outTradeNo!._out_trade_no_!.get({
    params: { mchid: sim.merchant.mchid },
    out_trade_no: outTradeNo,
  });
  expect((after.data as { trade_state?: string }).trade_state).toBe('CLOSED');
}

describe('wechatpay-axios-plugin, public-key mode', () => {
  const sim = useV3Simulator('public-key');

  it('creates, queries and closes a Native order, verifying our signatures', async () => {
    await orderLifecycle(sim, pluginFor(sim, { [sim.merchant.publicKeyId]: sim.merchant.publicKeyPem }));
  });

  it('works with the merchant serial written in lower case, as many users configure it', async () => {
    const wxpay = new Wechatpay({
      mchid: sim.merchant.mchid,
      serial: sim.merchant.serialNo.toLowerCase(),
      privateKey: sim.merchant.privateKeyPem,
      certs: { [sim.merchant.publicKeyId]: sim.merchant.publicKeyPem },
      baseURL: `${sim.url}/`,
    });
    await orderLifecycle(sim, wxpay);
  });

  it('refuses our answers when configured with a key that is not the merchant’s', async () => {
    const wrong = pluginFor(sim, { [sim.merchant.publicKeyId]: sim.merchant.certificatePem });
    const error = await wrong
      .v3!.pay!.transactions!.outTradeNo!._out_trade_no_!.get({
        params: { mchid: sim.merchant.mchid },
        out_trade_no: 'NOPE000001',
      })
      .catch((e: unknown) => e);
    expect((error as { response?: { status: number } }).response?.status).toBe(404);
    const created = await wrong
      .v3!.pay!.transactions!.native!.post({
        mchid: sim.merchant.mchid,
        out_trade_no: uniqueNo('AX'),
        appid: sim.merchant.appid,
        description: 'wrong key',
        notify_url: NOTIFY_URL,
        amount: { total: 1 },
      })
      .catch((e: unknown) => e);
    expect(String(created)).toMatch(/Verify the response's data/);
  });

  it('keeps working after the simulated clock moved 3 h: it signs, and checks our signatures, on real time', async () => {
    const advanced = await fetch(`${sim.url}/_sim/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hours: 3 }),
    });
    expect(advanced.status).toBe(200);
    await orderLifecycle(sim, pluginFor(sim, { [sim.merchant.publicKeyId]: sim.merchant.publicKeyPem }));
  });
});

describe('wechatpay-axios-plugin, certificate mode', () => {
  const sim = useV3Simulator('certificates');

  it('works with the certificate decrypted (with its AES) from our /v3/certificates', async () => {
    const answer = await sendRaw(sim, {
      method: 'GET',
      url: '/v3/certificates',
      headers: signedHeaders(sim, { method: 'GET', signedUrl: '/v3/certificates' }),
    });
    const [entry] = answer.json().data;
    const { nonce, associated_data, ciphertext } = entry.encrypt_certificate;
    const pem = Aes.AesGcm.decrypt(ciphertext, sim.merchant.apiV3Key, nonce, associated_data);
    // The certificate download is itself signed by the certificate it carries.
    const message = Formatter.response(
      String(answer.headers['wechatpay-timestamp']),
      String(answer.headers['wechatpay-nonce']),
      answer.text,
    );
    expect(
      Rsa.verify(message, String(answer.headers['wechatpay-signature']), Rsa.from(pem, Rsa.KEY_TYPE_PUBLIC)),
    ).toBe(true);

    await orderLifecycle(sim, pluginFor(sim, { [entry.serial_no]: pem }));
  });
});
