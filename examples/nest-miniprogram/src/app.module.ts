import { Module } from '@nestjs/common';
import { PaymentsModule } from './payments/payments.module.js';
import { SessionModule } from './session/session.module.js';
import { WechatModule } from './wechat/wechat.module.js';

@Module({ imports: [WechatModule, SessionModule, PaymentsModule] })
export class AppModule {}
