import type { DomainErrorCode } from '../domain/index.js';
import { errorCatalogue } from './openapi-info.js';
import { OPERATION_DOCS } from './openapi-operations.js';

interface MediaObject {
  schema?: unknown;
  example?: unknown;
}
interface ResponseObject {
  description?: string;
  content?: Record<string, MediaObject>;
}
interface OperationObject {
  summary?: string;
  description?: string;
  responses?: Record<string, ResponseObject>;
}
/** The part of an OpenAPI 3 document this module writes to. */
export interface OpenApiPaths {
  paths?: object;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

const SUCCESS: Record<number, string> = {
  200: '成功 / OK',
  201: '已创建 / created',
  204: '成功，无内容 / OK, no content',
  302: '跳转 / redirect',
};

/** What a failure answer of a status can say, beyond its code: as the service really sends it. */
const ERROR_EXTRAS: Partial<Record<string, Record<string, unknown>>> = {
  WECHAT_UNAVAILABLE: { wechatCode: 'SYSTEMERROR' },
  WECHAT_TIMEOUT: { orderNo: '20261203100000A1b2C3d4E5', retryable: true },
  VALIDATION_FAILED: { field: 'payType' },
};

/**
 * Completes the generated OpenAPI document from the catalogue: each operation's bilingual summary
 * and description, a description for every answer (for failures, the error codes that status can
 * carry), and examples — the operation's own for successes, one of its codes for failures.
 */
export function documentOperations<T extends OpenApiPaths>(
  document: T,
  statusOf: Readonly<Record<DomainErrorCode, number>>,
): T {
  const errors = errorCatalogue(statusOf);
  const paths = (document.paths ?? {}) as Record<string, Record<string, OperationObject>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const doc = OPERATION_DOCS[`${method.toUpperCase()} ${path}`];
      if (doc) {
        operation.summary = doc.summary;
        operation.description = doc.description;
      }
      for (const [statusText, response] of Object.entries(operation.responses ?? {})) {
        const status = Number(statusText);
        const codes = errors.filter((error) => error.status === status);
        response.description =
          SUCCESS[status] ??
          (codes.length > 0
            ? `可能的错误 / possible errors: ${codes.map((c) => `\`${c.code}\``).join(', ')}`
            : `HTTP ${status}`);
        const json = response.content?.['application/json'];
        if (!json) continue;
        const first = codes[0];
        const example =
          doc?.examples?.[status] ??
          (status >= 400 && first
            ? { error: first.code, message: first.meaning, ...ERROR_EXTRAS[first.code] }
            : undefined);
        if (example !== undefined) json.example = example;
      }
    }
  }
  return document;
}
