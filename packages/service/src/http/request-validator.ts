import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';
import { TEXT_PATTERN, TOKEN_PATTERN } from './api-schemas.js';
import { parseInstant } from './instant-parser.js';

/** A query or path integer: ASCII digits and nothing else (no sign, hex, exponent, space, dot). */
const DIGITS = /^[0-9]{1,16}$/;

type SchemaErrorFormatter = NonNullable<FastifyServerOptions['schemaErrorFormatter']>;

/** The field a validation error names, kept on the error so the answer can carry it. */
export type FieldValidationError = Error & { field?: string };

interface ObjectSchema {
  type?: unknown;
  properties?: Record<string, { type?: unknown }>;
}

/**
 * Validation without coercion. Fastify's default Ajv turns `"1e1"`, `"0x10"`, `true` and `[3]` into
 * numbers and `["why"]` into strings, and stores the result; here a JSON body must have exactly the
 * declared types. Query and path values are text by nature, so they have one explicit rule: a
 * parameter declared integer is read from ASCII digits only, everything else stays a string and
 * fails as one. `date-time` means what {@link parseInstant} can represent.
 */
export function strictValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const ajv = new Ajv({
    coerceTypes: false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    addUsedSchema: false,
  });
  ajv.addFormat('date-time', { type: 'string', validate: (text) => parseInstant(text) !== undefined });
  return ({ schema, httpPart }) => {
    const validate = ajv.compile(schema as object);
    if (httpPart === 'body') return validate;
    const integers = integerProperties(schema as ObjectSchema);
    if (integers.length === 0) return validate;
    const parsing = ((data: unknown) => {
      if (data !== null && typeof data === 'object') {
        const values = data as Record<string, unknown>;
        for (const name of integers) {
          const text = values[name];
          if (typeof text === 'string' && DIGITS.test(text)) values[name] = Number(text);
        }
      }
      const valid = validate(data);
      parsing.errors = validate.errors;
      return valid;
    }) as ValidateFunction;
    return parsing;
  };
}

function integerProperties(schema: ObjectSchema): string[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, property]) => property.type === 'integer')
    .map(([name]) => name);
}

/**
 * One sentence naming the field (`body.amount must be an integer`), so a client can tell which of
 * its inputs was refused without reading Ajv's internals.
 */
export const fieldErrorFormatter: SchemaErrorFormatter = (errors, dataVar) => {
  const first = errors[0] as ErrorObject | undefined;
  if (!first) return new Error(`${dataVar} is invalid`);
  const field = fieldOf(first);
  const where = field ? `${dataVar}.${field}` : dataVar;
  const error: FieldValidationError = new Error(`${where} ${describe(first, errors as ErrorObject[])}`);
  if (field) error.field = field;
  return error;
};

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') path.push(String(params.missingProperty));
  if (error.keyword === 'additionalProperties') path.push(String(params.additionalProperty));
  return path.join('.');
}

function describe(error: ErrorObject, all: ErrorObject[]): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be ${article(String(params.type))}`;
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'const':
    case 'anyOf':
    case 'enum': {
      const allowed = all
        .filter((e) => e.instancePath === error.instancePath && e.keyword === 'const')
        .map((e) => JSON.stringify((e.params as { allowedValue: unknown }).allowedValue));
      return allowed.length > 0 ? `must be one of ${allowed.join(', ')}` : (error.message ?? 'is invalid');
    }
    case 'format':
      return params.format === 'date-time'
        ? 'must be an RFC 3339 date-time that exists, e.g. 2024-05-01T08:00:00+08:00'
        : `must be a ${String(params.format)}`;
    case 'pattern':
      if (params.pattern === TEXT_PATTERN) return 'must not contain control characters';
      if (params.pattern === TOKEN_PATTERN) return 'must be printable ASCII without spaces';
      return `must match ${String(params.pattern)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type === 'object' ? 'JSON object' : type}`;
}

/**
 * A refusal of one field that no schema can express (fields that go together), answered exactly
 * like a schema's: 400 `VALIDATION_FAILED` naming the field.
 */
export function fieldError(field: string, message: string): FieldValidationError & { validation: [] } {
  return Object.assign(new Error(`body.${field} ${message}`), { field, validation: [] as [] });
}
