import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { SessionService } from './session.service.js';

@Controller('api/miniprogram')
export class LoginController {
  constructor(private readonly sessions: SessionService) {}

  /** `wx.login()`'s code → `{token, openid, expiresAt}`; the mini-program sends the token as a bearer. */
  @Post('login')
  @HttpCode(200)
  login(@Body() body: { code?: unknown }) {
    if (typeof body?.code !== 'string' || !/^[\w-]{1,128}$/.test(body.code)) {
      throw new BadRequestException({
        error: 'INVALID_REQUEST',
        message: 'code is the string wx.login() gave',
      });
    }
    return this.sessions.login(body.code);
  }
}
