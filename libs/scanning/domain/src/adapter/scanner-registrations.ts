import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { badRequest, conflict, forbidden, notFound } from '@berth/api/domain';
import { checkWebhookTarget, type Resolver } from '@berth/notifications/domain';
import { ScannerRegistrationEntity } from '../reports/scanner-registration.entity';
import { ADAPTER_AUTH_KINDS } from './adapter-client';

/** The project metadata naming the registration a project chose (as Harbor's `projectScanner`). */
export const PROJECT_SCANNER_METADATA = 'projectScanner';

/** What `access_credential` reads as once stored: it goes out to the adapter, never back to a caller. */
export const CREDENTIAL_MASK = '*****';

/** The fields of Harbor's ScannerRegistrationReq that Berth keeps. */
export interface ScannerRegistrationInput {
  name: string;
  description: string;
  url: string;
  auth: string;
  /** Undefined: keep the stored one (absent, or the mask sent back). */
  accessCredential?: string;
  skipCertVerify: boolean;
  useInternalAddr: boolean;
  disabled: boolean;
}

/** What `POST /scanners/ping` carries (ScannerRegistrationSettings). */
export interface ScannerConnectionInput {
  name: string;
  url: string;
  auth: string;
  accessCredential: string;
}

const MAX_NAME = 128;
const MAX_DESCRIPTION = 1024;
const MAX_URL = 512;
const MAX_CREDENTIAL = 512;

/**
 * Reads a ScannerRegistrationReq: `name` and `url` are required, `auth` is one of Harbor's
 * kinds and then needs a credential (`user:password` for Basic), one line each.
 * @throws HarborApiError BAD_REQUEST naming the first bad field
 */
export function parseRegistrationInput(body: unknown): ScannerRegistrationInput {
  const o = record(body);
  const connection = parseConnection(o, true);
  const description = optionalString(o, 'description', MAX_DESCRIPTION) ?? '';
  return {
    ...connection,
    accessCredential:
      o.access_credential === undefined ||
      o.access_credential === null ||
      o.access_credential === CREDENTIAL_MASK
        ? undefined
        : connection.accessCredential,
    description,
    skipCertVerify: optionalBoolean(o, 'skip_cert_verify') ?? false,
    useInternalAddr: optionalBoolean(o, 'use_internal_addr') ?? false,
    disabled: optionalBoolean(o, 'disabled') ?? false,
  };
}

/** Reads ScannerRegistrationSettings for a ping. @throws HarborApiError BAD_REQUEST */
export function parseConnectionInput(body: unknown): ScannerConnectionInput {
  return parseConnection(record(body), false);
}

function parseConnection(o: Record<string, unknown>, storing: boolean): ScannerConnectionInput {
  const name = optionalString(o, 'name', MAX_NAME)?.trim() ?? '';
  if (name === '') throw badRequest('name is required');
  const url = optionalString(o, 'url', MAX_URL) ?? '';
  const urlError = adapterUrlError(url);
  if (urlError) throw badRequest(urlError);
  const auth = optionalString(o, 'auth', 32) ?? '';
  if (!(ADAPTER_AUTH_KINDS as readonly string[]).includes(auth))
    throw badRequest('auth must be "", "Basic", "Bearer" or "X-ScannerAdapter-API-Key"');
  const accessCredential = optionalString(o, 'access_credential', MAX_CREDENTIAL) ?? '';
  if (/[\r\n]/.test(accessCredential)) throw badRequest('access_credential must be one line');
  const kept =
    storing && (accessCredential === CREDENTIAL_MASK || o.access_credential === undefined);
  if (auth !== '' && accessCredential === '' && !kept)
    throw badRequest(`access_credential is required with auth ${auth}`);
  if (auth === 'Basic' && !kept && !accessCredential.includes(':'))
    throw badRequest('a Basic access_credential is "username:password"');
  return { name, url, auth, accessCredential };
}

/** Why a string is not an adapter base URL (http or https, no credentials), or undefined. */
export function adapterUrlError(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an http or https URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return 'url must be an http or https URL';
  if (parsed.username !== '' || parsed.password !== '')
    return 'url must not carry credentials; use auth and access_credential';
  if (parsed.search !== '' || parsed.hash !== '') return 'url must not have a query or fragment';
  return undefined;
}

/**
 * Scanner registrations as Harbor's `/scanners` API manages them. The built-in registration is
 * immutable; exactly one registration is the default; the default one cannot be removed or
 * disabled. `access_credential` is stored as given (as webhook `auth_header`s are), since it
 * must be sent to the adapter.
 */
@Injectable()
export class ScannerRegistrations {
  constructor(private readonly dataSource: DataSource) {}

  private get rows() {
    return this.dataSource.getRepository(ScannerRegistrationEntity);
  }

  async list(window: { offset: number; limit: number }) {
    const [rows, total] = await this.rows.findAndCount({
      order: { id: 'ASC' },
      skip: window.offset,
      take: window.limit,
    });
    return { rows, total };
  }

  /** Every enabled registration, for a project's choice. */
  enabled(window: { offset: number; limit: number }) {
    return this.rows
      .findAndCount({
        where: { disabled: false },
        order: { id: 'ASC' },
        skip: window.offset,
        take: window.limit,
      })
      .then(([rows, total]) => ({ rows, total }));
  }

  /** @throws HarborApiError NOT_FOUND */
  async get(uuid: string): Promise<ScannerRegistrationEntity> {
    const row = await this.rows.findOneBy({ uuid });
    if (!row) throw notFound(`scanner registration ${uuid.slice(0, 64)} not found`);
    return row;
  }

  /** @throws HarborApiError BAD_REQUEST for an adapter address not allowed, CONFLICT for a taken name */
  async create(
    input: ScannerRegistrationInput,
    policy: { allowPrivate: boolean; resolve?: Resolver },
  ): Promise<ScannerRegistrationEntity> {
    if (input.auth !== '' && !input.accessCredential)
      throw badRequest(`access_credential is required with auth ${input.auth}`);
    await assertReachableAddress(input.url, policy);
    const now = new Date().toISOString();
    const row = this.rows.create({
      uuid: randomUUID(),
      name: input.name,
      description: input.description,
      url: input.url,
      isDefault: false,
      disabled: input.disabled,
      auth: input.auth,
      accessCredential: input.accessCredential ?? '',
      skipCertVerify: input.skipCertVerify,
      useInternalAddr: input.useInternalAddr,
      immutable: false,
      createTime: now,
      updateTime: now,
    });
    await this.write(() => this.rows.insert(row));
    return row;
  }

  /** @throws HarborApiError NOT_FOUND, FORBIDDEN (built-in), BAD_REQUEST, CONFLICT */
  async update(
    uuid: string,
    input: ScannerRegistrationInput,
    policy: { allowPrivate: boolean; resolve?: Resolver },
  ): Promise<void> {
    const row = await this.get(uuid);
    if (row.immutable) throw forbidden('the built-in scanner registration cannot be changed');
    if (row.isDefault && input.disabled) throw badRequest('the default scanner cannot be disabled');
    const credential = input.auth === '' ? '' : (input.accessCredential ?? row.accessCredential);
    if (input.auth !== '' && credential === '')
      throw badRequest(`access_credential is required with auth ${input.auth}`);
    await assertReachableAddress(input.url, policy);
    await this.write(() =>
      this.rows.update(
        { uuid },
        {
          name: input.name,
          description: input.description,
          url: input.url,
          auth: input.auth,
          accessCredential: credential,
          skipCertVerify: input.skipCertVerify,
          useInternalAddr: input.useInternalAddr,
          disabled: input.disabled,
          updateTime: new Date().toISOString(),
        },
      ),
    );
  }

  /** Removes a registration; returns it. @throws NOT_FOUND, FORBIDDEN (built-in or default) */
  async remove(uuid: string): Promise<ScannerRegistrationEntity> {
    const row = await this.get(uuid);
    if (row.immutable) throw forbidden('the built-in scanner registration cannot be removed');
    if (row.isDefault)
      throw forbidden('the default scanner cannot be removed; make another the default first');
    await this.rows.delete({ uuid });
    return row;
  }

  /** Makes it the one default. @throws NOT_FOUND, BAD_REQUEST when disabled */
  async setDefault(uuid: string): Promise<void> {
    const row = await this.get(uuid);
    if (row.disabled) throw badRequest('a disabled scanner cannot be the default');
    await this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(ScannerRegistrationEntity);
      await repo.update({ isDefault: true }, { isDefault: false });
      await repo.update({ uuid }, { isDefault: true, updateTime: new Date().toISOString() });
    });
  }

  private async write(op: () => Promise<unknown>): Promise<void> {
    try {
      await op();
    } catch (e) {
      if (isUniqueViolation(e))
        throw conflict('a scanner registration of that name already exists');
      throw e;
    }
  }
}

/** Refuses an adapter URL whose host is private, loopback or link-local unless allowed. */
async function assertReachableAddress(
  url: string,
  policy: { allowPrivate: boolean; resolve?: Resolver },
): Promise<void> {
  const check = await checkWebhookTarget(url, policy);
  if (!check.ok) throw badRequest(`url is not allowed: ${check.reason}`);
}

function isUniqueViolation(e: unknown): boolean {
  if (!(e instanceof QueryFailedError)) return false;
  const code = (e.driverError as { code?: unknown } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function record(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalString(o: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`);
  if (v.length > max) throw badRequest(`${key} must be at most ${max} characters`);
  return v;
}

function optionalBoolean(o: Record<string, unknown>, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`${key} must be true or false`);
  return v;
}
