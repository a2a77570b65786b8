import type { IncomingMessage } from 'node:http';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { SessionService } from './session.service.js';

type SignedInRequest = IncomingMessage & { openid?: string };

/** Lets a request through only with a live `Authorization: Bearer <token>` from the login. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<SignedInRequest>();
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const openid = token ? this.sessions.openidOf(token) : undefined;
    if (!openid)
      throw new UnauthorizedException({ error: 'SESSION_INVALID', message: 'log in with wx.login() first' });
    request.openid = openid;
    return true;
  }
}

/** The signed-in user's openid (under the mini-program's appid), set by {@link SessionGuard}. */
export const Openid = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<SignedInRequest>().openid!,
);
