import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

/** Returns the port from `--port P`, `--port=P` or the PORT environment variable (default 8080). */
function port(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port' && i + 1 < argv.length) {
      return Number(argv[i + 1]);
    }
    if (argv[i].startsWith('--port=')) {
      return Number(argv[i].substring('--port='.length));
    }
  }
  return Number(process.env.PORT ?? 8080);
}

async function bootstrap(): Promise<void> {
  const listenPort = port(process.argv.slice(2));
  if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65535) {
    console.error(`nestjs peer: --port: ${listenPort} (expected: 0..65535)`);
    process.exit(2);
  }
  // Nest's defaults: Express, JSON and urlencoded body parsers, the default logger.
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await app.listen(listenPort, '127.0.0.1');
  const address = app.getHttpServer().address();
  console.log(`NestJS peer listening on http://127.0.0.1:${address.port}`);
}

void bootstrap();
