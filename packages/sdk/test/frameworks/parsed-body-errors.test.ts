/**
 * What a user calling the parsers directly gets when a framework handed over a parsed or
 * re-serialized body: an error naming the cause, where it used to be a `TypeError` from inside
 * `node:crypto` or "XML body is not valid UTF-8".
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WechatPayNotificationError, WechatPaySignatureError } from '../../src/errors.js';
import { v3NotificationEndpoint } from '../../src/frameworks/v3-notification-endpoint.js';
import { parseProductCallback } from '../../src/v2/native-mode1.js';
import { parseV2PaymentNotification, parseV2RefundNotification } from '../../src/v2/v2-notification.js';
import { fixtures } from '../support/fixtures.js';
import { fixtureParser, paidNotification, post } from './support/notification-fixtures.js';

describe('a body a framework already parsed', () => {
  it('v3: an object is refused as already parsed, in Chinese and English', async () => {
    const { headers, body } = paidNotification();
    const parsed = JSON.parse(body) as unknown as string;
    const error = await fixtureParser.parse(headers, parsed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayNotificationError);
    expect(error).toMatchObject({ reason: 'already-parsed' });
    expect((error as Error).message).toMatch(/已被 body parser 解析.*already parsed/s);
  });

  it.each([
    ['payment', (b: unknown) => parseV2PaymentNotification(b as string, fixtures.apiKey)],
    ['refund', (b: unknown) => parseV2RefundNotification(b as string, fixtures.apiKey)],
    ['mode-1 callback', (b: unknown) => parseProductCallback(b as string, fixtures.apiKey)],
  ])('v2 %s: an object is refused as already parsed, not as invalid UTF-8', (_what, parse) => {
    expect(() => parse({ xml: { return_code: 'SUCCESS' } })).toThrow(WechatPayNotificationError);
    expect(() => parse({})).toThrow(/already parsed/);
  });

  it('v3: a re-serialized body fails its signature with the likely cause named', async () => {
    const { headers, body } = paidNotification();
    const reserialized = JSON.stringify(JSON.parse(body), null, 2);
    const error = await fixtureParser.parse(headers, reserialized).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPaySignatureError);
    expect(error).toMatchObject({ reason: 'bad-signature', detail: { hint: 'reserialized-body' } });
    expect((error as Error).message).toMatch(/重新序列化.*serialized again/s);
  });

  it('v3: a body that is not JSON fails its signature without that hint', async () => {
    const { headers } = paidNotification();
    const error = await fixtureParser.parse(headers, 'not json').catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'bad-signature' });
    expect((error as Error).message).not.toMatch(/serialized again/);
  });
});

describe('a stream something else read first', () => {
  it('is refused as already read, not waited on forever', async () => {
    const seen: unknown[] = [];
    const endpoint = v3NotificationEndpoint(fixtureParser, {}, { onError: (error) => seen.push(error) });
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', async () => {
        const reply = await endpoint.handle({ headers: req.headers, stream: req });
        res.writeHead(reply.status, reply.headers).end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { headers, body } = paidNotification();
      const { port } = server.address() as AddressInfo;
      const answer = await post(`http://127.0.0.1:${port}/`, body, headers);
      expect(answer.status).toBe(500);
      expect(JSON.parse(answer.body).message).toMatch(/请求体已被读取.*already read/s);
      expect(seen).toEqual([expect.objectContaining({ reason: 'already-read' })]);
    } finally {
      server.close();
    }
  });
});

describe('raw bytes a framework kept (NestJS rawBody: true)', () => {
  it('verifies them without reading the stream, within the same bound', async () => {
    const seen: unknown[] = [];
    const handled: string[] = [];
    const endpoint = v3NotificationEndpoint(
      fixtureParser,
      { 'TRANSACTION.SUCCESS': (event) => void handled.push(event.resource.out_trade_no) },
      { onError: (error) => seen.push(error), maxBodyBytes: 4096 },
    );
    const { headers, body } = paidNotification();
    const ok = await endpoint.handle({ headers, rawBody: Buffer.from(body) });
    expect(ok.status).toBe(204);
    expect(handled).toHaveLength(1);

    const tampered = Buffer.from(body.replace('"id":"', '"id":"X'));
    expect((await endpoint.handle({ headers, rawBody: tampered })).status).toBeGreaterThanOrEqual(400);
    const huge = await endpoint.handle({ headers, rawBody: Buffer.alloc(5000, 32) });
    expect(huge.status).toBe(413);
    expect(seen.map((e) => (e as { reason?: string }).reason)).toEqual(['bad-signature', 'too-large']);
  });

  it('says how to mount in Nest when neither bytes nor an unread stream came', async () => {
    const seen: unknown[] = [];
    const endpoint = v3NotificationEndpoint(fixtureParser, {}, { onError: (error) => seen.push(error) });
    const { headers } = paidNotification();
    const reply = await endpoint.handle({ headers, parsedBody: { id: 'x' }, framework: 'nest' });
    expect(reply.status).toBe(500);
    expect(seen).toEqual([expect.objectContaining({ reason: 'already-parsed' })]);
    expect((seen[0] as Error).message).toContain('rawBody: true');
  });
});
