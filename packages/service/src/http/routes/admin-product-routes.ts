import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Product } from '../../domain/index.js';
import type { AdminUseCases } from '../../use-cases/index.js';
import { auditContextOf } from '../admin-guard.js';
import { ErrorSchema, errorResponses, TEXT_PATTERN } from '../api-schemas.js';

const Fields = {
  name: Type.String({ minLength: 1, maxLength: 64, pattern: TEXT_PATTERN }),
  description: Type.String({ maxLength: 200, pattern: TEXT_PATTERN }),
  price: Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'fen (at most ¥1,000,000)' }),
  stock: Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000_000 }), Type.Null()], {
    description: 'units left; null = unlimited',
  }),
  available: Type.Boolean({ description: 'false = withdrawn: no longer sold' }),
};

const AdminProductSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  price: Type.Integer({ description: 'fen' }),
  stock: Type.Union([Type.Integer(), Type.Null()]),
  available: Type.Boolean(),
});

const CreateProductSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9A-Za-z_\\-]{1,32}$' }),
    name: Fields.name,
    description: Type.Optional(Fields.description),
    price: Fields.price,
    stock: Type.Optional(Fields.stock),
    available: Type.Optional(Fields.available),
  },
  { additionalProperties: false },
);

const UpdateProductSchema = Type.Object(
  {
    name: Type.Optional(Fields.name),
    description: Type.Optional(Fields.description),
    price: Type.Optional(Fields.price),
    stock: Type.Optional(Fields.stock),
    available: Type.Optional(Fields.available),
  },
  { additionalProperties: false, minProperties: 1 },
);

const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9A-Za-z_\\-]{1,32}$' }) });

/** The catalogue in the back office: list every product (withdrawn too), add one, change or withdraw it. */
export const adminProductRoutes: FastifyPluginAsyncTypebox<{ admin: AdminUseCases }> = async (
  app,
  { admin },
) => {
  const schema = { tags: ['admin'] };
  const manage = { config: { permission: 'products.manage' as const } };

  app.get(
    '/api/admin/products',
    {
      config: { permission: 'read' },
      schema: { ...schema, response: { 200: Type.Array(AdminProductSchema), 401: ErrorSchema } },
    },
    async () => (await admin.manageProducts.list()).map(productView),
  );

  app.post(
    '/api/admin/products',
    {
      ...manage,
      schema: {
        ...schema,
        body: CreateProductSchema,
        response: { 201: AdminProductSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, name, description, price, stock, available } = request.body;
      const created = await admin.manageProducts.create(
        {
          id,
          name,
          description: description ?? '',
          priceFen: price,
          stock: stock ?? null,
          active: available ?? true,
        },
        auditContextOf(request),
      );
      return reply.status(201).send(productView(created));
    },
  );

  app.patch(
    '/api/admin/products/:id',
    {
      ...manage,
      schema: {
        ...schema,
        params: IdParams,
        body: UpdateProductSchema,
        response: { 200: AdminProductSchema, 401: ErrorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { name, description, price, stock, available } = request.body;
      const updated = await admin.manageProducts.update(
        request.params.id,
        {
          ...(name === undefined ? {} : { name }),
          ...(description === undefined ? {} : { description }),
          ...(price === undefined ? {} : { priceFen: price }),
          ...(stock === undefined ? {} : { stock }),
          ...(available === undefined ? {} : { active: available }),
        },
        auditContextOf(request),
      );
      return productView(updated);
    },
  );
};

function productView(product: Product) {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    price: product.priceFen,
    stock: product.stock,
    available: product.active,
  };
}
