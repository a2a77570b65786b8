import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { MiniProgramClient, PlatformClient, V3Client } from '@wechatpay-kit/sdk';
import { ShopConfig } from './shop-config.js';

/**
 * The SDK clients as Nest providers, one of each for the whole app (each keeps a connection pool
 * and parsed keys), injected by class: `constructor(private readonly wxpay: V3Client)`.
 */
@Global()
@Module({
  providers: [
    { provide: ShopConfig, useFactory: () => new ShopConfig() },
    {
      provide: V3Client,
      inject: [ShopConfig],
      useFactory: (config: ShopConfig) => new V3Client(config.v3Options),
    },
    {
      provide: PlatformClient,
      inject: [ShopConfig],
      useFactory: (config: ShopConfig) => new PlatformClient({ baseUrl: config.platformBaseUrl }),
    },
    {
      provide: MiniProgramClient,
      inject: [ShopConfig, PlatformClient],
      useFactory: (config: ShopConfig, client: PlatformClient) =>
        new MiniProgramClient({ appid: config.miniProgramAppid, secret: config.miniProgramSecret, client }),
    },
  ],
  exports: [ShopConfig, V3Client, MiniProgramClient],
})
export class WechatModule implements OnApplicationShutdown {
  constructor(
    private readonly wxpay: V3Client,
    private readonly platform: PlatformClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.wxpay.close(), this.platform.close()]);
  }
}
