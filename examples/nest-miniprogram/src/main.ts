import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ShopConfig } from './wechat/shop-config.js';

// rawBody: the JSON parser keeps the bytes it parsed, which WeChat's notification signature covers.
const app = await NestFactory.create(AppModule, { rawBody: true });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 4100), '127.0.0.1');

const { port } = app.getHttpServer().address() as AddressInfo;
const url = `http://127.0.0.1:${port}`;
const config = app.get(ShopConfig);
config.publicUrl ??= url;
console.log(`nest-miniprogram listening on ${url} (notify_url ${config.publicUrl}/api/notify/v3)`);
