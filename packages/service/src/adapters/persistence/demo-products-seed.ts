import type { Kysely } from 'kysely';
import type { Product } from '../../domain/order.js';
import type { DatabaseSchema } from './database-schema.js';
import { rowMapper } from './row-mapper.js';

/** A catalogue to try payments with; the 1-fen item lets a real merchant account test cheaply. */
export const DEMO_PRODUCTS: readonly Product[] = [
  {
    id: 'demo-test-1fen',
    name: '测试商品（一分钱）',
    description: '用于验证支付流程',
    priceFen: 1,
    stock: null,
    active: true,
  },
  {
    id: 'demo-coffee',
    name: '拿铁咖啡',
    description: '中杯，燕麦奶',
    priceFen: 990,
    stock: null,
    active: true,
  },
  {
    id: 'demo-tea',
    name: '西湖龙井 250g',
    description: '明前特级',
    priceFen: 6800,
    stock: 100,
    active: true,
  },
  {
    id: 'demo-keyboard',
    name: '机械键盘',
    description: '87 键，茶轴',
    priceFen: 12800,
    stock: 20,
    active: true,
  },
];

/** Inserts the demo products that are missing; running it again changes nothing, edits included. */
export async function seedDemoProducts(db: Kysely<DatabaseSchema>): Promise<void> {
  await db
    .insertInto('products')
    .values(DEMO_PRODUCTS.map(rowMapper.fromProduct))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
