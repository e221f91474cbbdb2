/**
 * The NestJS lessons' Server-Sent Events examples in Java: an interval stream, a feed with event
 * types, ids and {@code retry}, per-user notifications behind a JWT guard, task progress, and a
 * page that reads them with the browser's {@code EventSource}. {@link
 * dev.herald.examples.ExamplesMain} runs them; {@link dev.herald.examples.Examples} adds them to
 * any {@link dev.herald.server.HeraldServer.Builder}.
 */
@NullMarked
package dev.herald.examples;

import org.jspecify.annotations.NullMarked;
