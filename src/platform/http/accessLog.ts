import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One line per request, written when it is answered: method, address, client, status and time
 * together. Fastify's own two («incoming request», then «request completed») made each request
 * log twice, a quarter of the main thread's logging per saved draft. A request never answered
 * (hung, or cut by the client) is seen with LOG_LEVEL=debug, which logs each as it arrives.
 */
export class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
