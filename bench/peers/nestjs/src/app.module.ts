import { Module } from '@nestjs/common';
import { MercureController } from './mercure.controller';
import { UpdatesService } from './updates.service';

@Module({
  controllers: [MercureController],
  providers: [UpdatesService],
})
export class AppModule {}
