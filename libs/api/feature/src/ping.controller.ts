import { Controller, Get, Header } from '@nestjs/common';

/** Harbor's liveness probe for API clients: `GET /api/v2.0/ping` answers `Pong`. */
@Controller('api/v2.0')
export class PingController {
  @Get('ping')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  ping(): string {
    return 'Pong';
  }
}
