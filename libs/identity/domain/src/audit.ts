import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor, EventEnvelope } from '@berth/contracts';
import { OutboxWriter, createEvent } from '@berth/platform/messaging';
import { subjectOf, type Principal } from './principal';

/** The `source` of the events the identity use cases append. */
export const IDENTITY_EVENT_SOURCE = 'identity';

/** The audit name of a caller without a principal. */
export const ANONYMOUS_OPERATOR = 'anonymous';

const MAX_OPERATOR_LENGTH = 255;
const MAX_ADDRESS_LENGTH = 64;

/** The name events give the principal: the user's name, the robot's full name, or `anonymous`. */
export function operatorOf(principal: Principal): string {
  return principal.kind === 'anonymous' ? ANONYMOUS_OPERATOR : subjectOf(principal);
}

/** Who acts and from where, as events record it: the principal and the address Fastify saw. */
export function actorOf(principal: Principal, request?: { ip?: string }): Actor {
  return namedActor(operatorOf(principal), request?.ip);
}

/** An actor for a name given at a login (possibly unknown, possibly long), cut to what events hold. */
export function namedActor(name: string, sourceAddress?: string): Actor {
  return {
    operator: name === '' ? ANONYMOUS_OPERATOR : name.slice(0, MAX_OPERATOR_LENGTH),
    ...(sourceAddress ? { sourceAddress: sourceAddress.slice(0, MAX_ADDRESS_LENGTH) } : {}),
  };
}

export type LoginMethod = 'session' | 'token' | 'basic';

/**
 * Records sign-ins, failed sign-ins and logouts as `login.*` events. They change nothing else,
 * so they are appended on their own (grouped with concurrent ones); a failure to store one is
 * logged and never fails or delays the login it describes beyond that one insert.
 */
@Injectable()
export class LoginAudit {
  private readonly logger = new Logger('LoginAudit');

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  succeeded(method: LoginMethod, actor: Actor): Promise<void> {
    return this.record(createEvent('login.succeeded', { ...actor, method }, IDENTITY_EVENT_SOURCE));
  }

  /** `reason` is shown to administrators: a phrase such as `bad credentials`, never a secret. */
  failed(method: LoginMethod, actor: Actor, reason: string): Promise<void> {
    return this.record(
      createEvent('login.failed', { ...actor, method, reason }, IDENTITY_EVENT_SOURCE),
    );
  }

  ended(actor: Actor): Promise<void> {
    return this.record(createEvent('login.ended', { ...actor }, IDENTITY_EVENT_SOURCE));
  }

  private async record(event: EventEnvelope): Promise<void> {
    try {
      await this.outbox.appendGrouped(this.dataSource, event);
    } catch (e) {
      this.logger.warn(`${event.type} not recorded: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
