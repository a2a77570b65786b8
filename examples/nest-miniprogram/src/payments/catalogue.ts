/** What the shop sells; prices are integer fen, as WeChat Pay counts them. */
export interface Product {
  id: string;
  name: string;
  priceFen: number;
}

export const CATALOGUE: readonly Product[] = [
  { id: 'latte', name: '拿铁咖啡', priceFen: 990 },
  { id: 'tea', name: '乌龙茶', priceFen: 500 },
];
