import { Get } from '@nestjs/common';
import { HarborApiController } from './harbor-api.decorator';
import { openApiDocument, type OpenApiDocument } from './openapi.document';

@HarborApiController()
export class OpenApiController {
  @Get('openapi.json')
  document(): OpenApiDocument {
    return openApiDocument;
  }
}
