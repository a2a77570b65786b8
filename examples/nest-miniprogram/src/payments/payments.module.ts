import { Module } from '@nestjs/common';
import { SessionModule } from '../session/session.module.js';
import { NotifyController } from './notify.controller.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [SessionModule],
  controllers: [OrdersController, NotifyController],
  providers: [OrdersService],
})
export class PaymentsModule {}
