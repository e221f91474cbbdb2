import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';

/** One published update: the topic it was posted to, its id and its data, verbatim. */
export interface Update {
  topic: string;
  id: string;
  data: string;
}

/**
 * The in-memory notification bus of the NestJS lessons: one RxJS Subject that every
 * subscriber's stream is derived from ("Combine an in-memory Subject ... with the @Sse
 * handler and you have a basic notification bus").
 */
@Injectable()
export class UpdatesService {
  private readonly updates = new Subject<Update>();
  private nextId = 0;

  /** Returns every update published from now on (a hot stream: no history, no resume). */
  stream(): Observable<Update> {
    return this.updates.asObservable();
  }

  /** Pushes an update to every current subscriber and returns its id. */
  publish(topic: string, data: string): string {
    const id = `urn:uuid:peer-nestjs-${++this.nextId}`;
    this.updates.next({ topic, id, data });
    return id;
  }
}
