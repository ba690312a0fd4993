import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Lets a handler's own error reach the transport, so dead letters and request/reply callers
 * see the real message instead of Nest's generic "Internal server error".
 * Apply with `@UseFilters(new EventErrorFilter())` on a controller.
 */
@Catch()
export class EventErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
