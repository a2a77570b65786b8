import { expect, it } from 'vitest';
import { json, type TestDemo, type TestEngine } from './demo-harness.js';
import { describeOnEngines, useTestDemo } from './engine-suites.js';

describeOnEngines('the admin manages the catalogue', adminProductsSuite);

type ProductBody = { id: string; name: string; price: number; stock: number | null; available: boolean };

function adminProductsSuite(engine: TestEngine): void {
  let demo: TestDemo;
  useTestDemo(engine, (started) => {
    demo = started;
  });
  const admin = () => ({ Authorization: `Bearer ${demo.adminToken}` });
  const call = <T = ProductBody>(method: string, path: string, body?: unknown) =>
    json<T & { error?: string }>(`${demo.url}${path}`, {
      method,
      headers: admin(),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const buy = (productId: string) =>
    json<{ orderNo: string; amount: number; error?: string }>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId, payType: 'NATIVE' }),
    });
  const onSale = async () => (await json<ProductBody[]>(`${demo.url}/api/products`)).body.map((p) => p.id);

  it('adds a product that shoppers can buy at its price at once', async () => {
    const created = await call('POST', '/api/admin/products', {
      id: 'oolong-250g',
      name: '乌龙茶 250g',
      price: 5800,
      stock: 40,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'oolong-250g', price: 5800, stock: 40, available: true });
    expect(await onSale()).toContain('oolong-250g');
    const order = await buy('oolong-250g');
    expect(order.status).toBe(201);
    expect(order.body.amount).toBe(5800);
    const again = await call('POST', '/api/admin/products', { id: 'oolong-250g', name: '重复', price: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('PRODUCT_EXISTS');
  });

  it('a new price applies to new orders only; a withdrawn product is not sold, and can come back', async () => {
    const before = await buy('oolong-250g');
    const repriced = await call('PATCH', '/api/admin/products/oolong-250g', { price: 6200 });
    expect(repriced.body).toMatchObject({ price: 6200, name: '乌龙茶 250g', stock: 40 });
    expect((await buy('oolong-250g')).body.amount).toBe(6200);
    expect(
      (await json<{ amount: number }>(`${demo.url}/api/orders/${before.body.orderNo}`)).body.amount,
    ).toBe(5800);

    expect(
      (await call('PATCH', '/api/admin/products/oolong-250g', { available: false })).body.available,
    ).toBe(false);
    expect(await onSale()).not.toContain('oolong-250g');
    const refused = await buy('oolong-250g');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('PRODUCT_UNAVAILABLE');
    const all = await call<ProductBody[]>('GET', '/api/admin/products');
    expect(all.body.find((p) => p.id === 'oolong-250g')).toMatchObject({ available: false });
    await call('PATCH', '/api/admin/products/oolong-250g', { available: true });
    expect(await onSale()).toContain('oolong-250g');
  });

  it('refuses bad input and strangers, changing nothing', async () => {
    for (const body of [
      { id: 'bad price', name: 'x', price: 100 },
      { id: 'zero', name: 'x', price: 0 },
      { id: 'decimal', name: 'x', price: 9.9 },
      { id: 'noname', name: '', price: 1 },
      { id: 'extra', name: 'x', price: 1, amount: 1 },
    ]) {
      expect((await call('POST', '/api/admin/products', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call('PATCH', '/api/admin/products/oolong-250g', {})).status).toBe(400);
    expect((await call('PATCH', '/api/admin/products/no-such', { price: 1 })).status).toBe(404);
    const stranger = await fetch(`${demo.url}/api/admin/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'free', name: 'free', price: 1 }),
    });
    expect(stranger.status).toBe(401);
    expect(await onSale()).not.toContain('free');
    expect(
      (await call<ProductBody[]>('GET', '/api/admin/products')).body.find((p) => p.id === 'oolong-250g')
        ?.price,
    ).toBe(6200);
  });
}
