import type { FastifyReply } from 'fastify';
import type { WechatReply } from '../../domain/index.js';

/** Writes out, unchanged, an answer a WeChat port rendered: routes never build WeChat's formats. */
export function send(reply: FastifyReply, answer: WechatReply): FastifyReply {
  return reply.status(answer.status).headers(answer.headers).send(answer.body);
}
