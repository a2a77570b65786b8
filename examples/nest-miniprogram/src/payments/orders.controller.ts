import {
  BadRequestException,
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { Openid, SessionGuard } from '../session/session.guard.js';
import { CATALOGUE } from './catalogue.js';
import { OrdersService } from './orders.service.js';

interface PlaceOrderBody {
  productId?: unknown;
  quantity?: unknown;
  payType?: unknown;
  apiVersion?: unknown;
}

/** The mini-program's API: catalogue, order (with `wx.requestPayment()` parameters), order status. */
@Controller('api')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get('products')
  products() {
    return CATALOGUE;
  }

  @Post('orders')
  @UseGuards(SessionGuard)
  async place(@Openid() openid: string, @Body() body: PlaceOrderBody) {
    const { productId, quantity = 1, payType = 'MINIPROGRAM', apiVersion = 'v3' } = body ?? {};
    const refuse = (message: string) => new BadRequestException({ error: 'INVALID_REQUEST', message });
    if (typeof productId !== 'string') throw refuse('productId is required');
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 10)
      throw refuse('quantity is an integer from 1 to 10');
    if (payType !== 'MINIPROGRAM') throw refuse('this shop is a mini-program: payType is MINIPROGRAM');
    if (apiVersion !== 'v3') throw refuse('this example pays with API v3 only (apiVersion v3)');
    const order = await this.orders.place(openid, productId, quantity);
    if (!order)
      throw new NotFoundException({ error: 'PRODUCT_NOT_FOUND', message: `no product ${productId}` });
    return order;
  }

  /**
   * What the mini-program polls after `wx.requestPayment()` resolves: its success is only a hint,
   * the notification decides.
   */
  @Get('orders/:orderNo')
  @UseGuards(SessionGuard)
  order(@Openid() openid: string, @Param('orderNo') orderNo: string) {
    const order = this.orders.find(orderNo, openid);
    if (!order) throw new NotFoundException({ error: 'ORDER_NOT_FOUND', message: `no order ${orderNo}` });
    return order;
  }
}
