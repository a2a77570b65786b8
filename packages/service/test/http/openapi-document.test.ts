import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_DOCS } from '../../src/http/openapi-operations.js';
import { json, startTestDemo, type TestDemo } from './demo-harness.js';

interface Media {
  schema?: object;
  example?: unknown;
}
interface Operation {
  summary?: string;
  description?: string;
  responses?: Record<string, { description?: string; content?: Record<string, Media> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: object;
}

const CHINESE = /[\u4e00-\u9fff]/;

describe('the OpenAPI document at /docs/json', () => {
  let demo: TestDemo;
  let document: Document;
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        key: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );

  beforeAll(async () => {
    demo = await startTestDemo();
    document = (await json<Document>(`${demo.url}/docs/json`)).body;
  });
  afterAll(async () => {
    await demo?.stop();
  });

  it('describes exactly the operations the service has, in Chinese first', () => {
    const keys = operations().map((op) => op.key);
    expect(keys.length).toBeGreaterThan(20);
    expect([...keys].sort()).toEqual(Object.keys(OPERATION_DOCS).sort());
    for (const { key, operation } of operations()) {
      expect(operation.summary, key).toMatch(CHINESE);
      expect(operation.description, key).toMatch(CHINESE);
      expect(operation.summary, key).toMatch(/\/ [A-Za-z]/);
    }
  });

  it('says what every answer means; a failure lists the error codes of its status', () => {
    for (const { key, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        expect(response.description, `${key} ${status}`).not.toBe('Default Response');
        if (Number(status) >= 400) expect(response.description, `${key} ${status}`).toMatch(/`[A-Z_]+`/);
      }
    }
    const orderNotFound = document.paths['/api/orders/{orderNo}']?.get?.responses?.['404'];
    expect(orderNotFound?.description).toContain('`ORDER_NOT_FOUND`');
  });

  it('has an example for every JSON answer, and each one is valid against its own schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    let checked = 0;
    for (const { key, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const media = response.content?.['application/json'];
        if (!media?.schema) continue;
        expect(media.example, `${key} ${status} has no example`).toBeDefined();
        const validate = ajv.compile({ ...media.schema, components: document.components });
        expect(validate(media.example), `${key} ${status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('types an order’s state, pay type and API version as the lists they are', () => {
    const created = document.paths['/api/orders']?.post?.responses?.['201']?.content?.['application/json'];
    const properties =
      (created?.schema as { properties?: Record<string, object> } | undefined)?.properties ?? {};
    expect(JSON.stringify(properties.state)).toContain('"PARTIALLY_REFUNDED"');
    expect(JSON.stringify(properties.payType)).toContain('"MINIPROGRAM"');
    expect(JSON.stringify(properties.apiVersion)).toContain('"v2"');
  });
});
