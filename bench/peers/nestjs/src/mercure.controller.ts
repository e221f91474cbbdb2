import {
  BadRequestException,
  Body,
  Controller,
  Header,
  HttpCode,
  MessageEvent,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import { Observable, filter, map } from 'rxjs';
import { UpdatesService } from './updates.service';

/**
 * The Mercure subset the benchmark drives, written as the NestJS docs teach Server-Sent
 * Events: an @Sse() handler returning Observable<MessageEvent>, derived from a Subject.
 * Nest unsubscribes from the Observable when the client disconnects.
 */
@Controller('.well-known')
export class MercureController {
  constructor(private readonly updates: UpdatesService) {}

  /** GET /.well-known/mercure?topic=T: the updates posted to T, as text/event-stream. */
  @Sse('mercure')
  subscribe(@Query('topic') topic?: string): Observable<MessageEvent> {
    if (!topic) {
      throw new BadRequestException('topic: missing (expected: ?topic=T)');
    }
    return this.updates.stream().pipe(
      filter((update) => update.topic === topic),
      map((update) => ({ id: update.id, data: update.data })),
    );
  }

  /** POST /.well-known/mercure with form topic=T&data=D: 200 with the update's id. */
  @Post('mercure')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  publish(@Body() body: { topic?: string; data?: string }): string {
    if (!body || typeof body.topic !== 'string' || body.topic === '') {
      throw new BadRequestException('topic: missing (expected: form field topic)');
    }
    return this.updates.publish(body.topic, typeof body.data === 'string' ? body.data : '');
  }
}
