import { Get, Header } from '@nestjs/common';
import { HarborApiController } from './harbor-api.decorator';

/** Harbor's liveness probe for API clients: `GET /api/v2.0/ping` answers `Pong`. */
@HarborApiController()
export class PingController {
  @Get('ping')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  ping(): string {
    return 'Pong';
  }
}
