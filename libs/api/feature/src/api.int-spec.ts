import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Get, Module, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyListQuery,
  parseListQuery,
  parsePaging,
  schemaViolations,
  type ListQuerySpec,
  type RawQuery,
} from '@berth/api/domain';
import { identityDatabaseParts } from '@berth/identity/domain';
import { projectsDatabaseParts } from '@berth/projects/domain';
import { startService, type RunningService } from '@berth/platform/runtime';
import { freePort } from '@berth/platform/testing';
import { ApiFeatureModule } from './api-feature.module';
import { ApiRouteTable } from './api-route-table';
import { HarborApiController } from './harbor-api.decorator';
import { openApiDocument, type OpenApiResponse } from './openapi.document';
import { setPageHeaders } from './pagination';

const ERRORS = openApiDocument.components.schemas;
const violations = (body: unknown, schemaName: string): string[] =>
  schemaViolations(body, { $ref: `#/components/schemas/${schemaName}` }, ERRORS);

// A list endpoint as the next ones (users, projects) will be written, over a real SQLite table.
const ITEMS: ListQuerySpec = {
  filters: { name: { type: 'string' }, size: { type: 'integer' } },
  sorts: ['name', 'size'],
  defaultSort: [{ field: 'name', direction: 'ASC' }],
};

@HarborApiController('_probe')
class ProbeListController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('items')
  async list(
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Array<{ name: string; size: number }>> {
    const paging = parsePaging(query);
    const list = parseListQuery(query, ITEMS);
    const qb = applyListQuery(
      this.dataSource
        .createQueryBuilder()
        .select(['i.name AS name', 'i.size AS size'])
        .from('probe_item', 'i'),
      list,
      { name: 'i.name', size: 'i.size' },
    );
    const counted = await qb.clone().select('COUNT(*)', 'n').orderBy().getRawOne<{ n: number }>();
    const total = Number(counted?.n ?? 0);
    const rows = await qb
      .offset(paging.offset)
      .limit(paging.limit)
      .getRawMany<{ name: string; size: number }>();
    setPageHeaders(req, reply, paging, total);
    return rows;
  }
}

@Module({ controllers: [ProbeListController] })
class ProbeModule {}

describe('Harbor-compatible API foundation (api feature booted with startService)', () => {
  const dirs: string[] = [];
  const running: RunningService[] = [];

  const boot = async (
    features: Array<typeof ApiFeatureModule | typeof ProbeModule>,
  ): Promise<RunningService> => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-api-'));
    dirs.push(dataDir);
    const port = await freePort();
    const service = await startService(
      // The projects API reads users and projects: the tables the api app migrates.
      { name: 'api', features, databaseParts: [identityDatabaseParts, projectsDatabaseParts] },
      {
        BERTH_HTTP_PORT: String(port),
        BERTH_HTTP_HOST: '127.0.0.1',
        BERTH_DATA_DIR: dataDir,
        BERTH_EXTERNAL_URL: 'https://registry.example.test:8443',
        BERTH_ADMIN_PASSWORD: 'correct-horse-battery',
        BERTH_LOG_LEVEL: 'silent',
      },
    );
    running.push(service);
    return service;
  };

  let api: RunningService;
  let probe: RunningService;

  beforeAll(async () => {
    api = await boot([ApiFeatureModule]);
    probe = await boot([ApiFeatureModule, ProbeModule]);
    const ds = probe.app.get(DataSource);
    await ds.query('CREATE TABLE probe_item (name TEXT NOT NULL, size INTEGER NOT NULL)');
    for (let i = 1; i <= 25; i++)
      await ds.query('INSERT INTO probe_item (name, size) VALUES (?, ?)', [
        `item-${String(i).padStart(2, '0')}`,
        i,
      ]);
    await ds.query('INSERT INTO probe_item (name, size) VALUES (?, ?)', ['50%_off', 100]);
    await ds.query('INSERT INTO probe_item (name, size) VALUES (?, ?)', ["o'brien", 101]);
  });
  afterAll(async () => {
    for (const s of running) await s.app.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const expectHarborError = async (
    res: Response,
    status: number,
    code: string,
  ): Promise<string> => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const text = await res.text();
    expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
    const body = JSON.parse(text) as { errors: Array<{ code: string; message: string }> };
    expect(violations(body, 'Errors')).toEqual([]);
    expect(body.errors[0].code).toBe(code);
    return body.errors[0].message;
  };

  describe('errors', () => {
    it.each([
      ['GET', '/api/v2.0/no-such-thing'],
      ['GET', '/api/v2.0'],
      ['DELETE', '/api/v2.0/projects/library/no-such-thing/a%2Fb'],
      ['PUT', '/api/v2.0/ping/extra'],
    ])('answers %s %s with 404 NOT_FOUND in Harbor’s body', async (method, p) => {
      await expectHarborError(await fetch(`${api.url}${p}`, { method }), 404, 'NOT_FOUND');
    });

    it('answers a known path with another method with 405 and Allow', async () => {
      const res = await fetch(`${api.url}/api/v2.0/systeminfo`, { method: 'DELETE' });
      await expectHarborError(res, 405, 'METHOD_NOT_ALLOWED');
      expect(res.headers.get('allow')).toBe('GET');
    });

    it('answers a body that is not JSON with 400 BAD_REQUEST', async () => {
      const res = await fetch(`${api.url}/api/v2.0/projects`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"project_name": ',
      });
      await expectHarborError(res, 400, 'BAD_REQUEST');
    });

    it('answers an unsupported content type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await fetch(`${api.url}/api/v2.0/projects`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-berth-unknown' },
        body: 'x',
      });
      await expectHarborError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('leaves errors outside /api/v2.0 alone', async () => {
      const res = await fetch(`${api.url}/not-the-api`);
      expect(res.status).toBe(404);
      expect(await res.json()).not.toHaveProperty('errors');
    });
  });

  describe('paging, q and sort on a list endpoint', () => {
    const list = (query: string): Promise<Response> =>
      fetch(`${probe.url}/api/v2.0/_probe/items?${query}`);

    it('pages with X-Total-Count and Harbor’s Link header, other parameters kept', async () => {
      const res = await list('q=name%3D~item&page=2&page_size=5&sort=-size');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-total-count')).toBe('25');
      expect(res.headers.get('link')).toBe(
        '</api/v2.0/_probe/items?page=1&page_size=5&q=name%3D~item&sort=-size>; rel="prev" , ' +
          '</api/v2.0/_probe/items?page=3&page_size=5&q=name%3D~item&sort=-size>; rel="next"',
      );
      const rows = (await res.json()) as Array<{ size: number }>;
      expect(rows.map((r) => r.size)).toEqual([20, 19, 18, 17, 16]);
    });

    it('defaults to page 1 of 10 and sends no Link on the only page', async () => {
      const res = await list('q=size%3D[1~3]');
      expect(res.headers.get('x-total-count')).toBe('3');
      expect(res.headers.get('link')).toBeNull();
      expect(((await res.json()) as unknown[]).length).toBe(3);
    });

    it('treats LIKE wildcards and quotes in values as plain text', async () => {
      const fuzzy = (await (await list(`q=${encodeURIComponent('name=~%_')}`)).json()) as Array<{
        name: string;
      }>;
      expect(fuzzy.map((r) => r.name)).toEqual(['50%_off']);
      const exact = (await (
        await list(`q=${encodeURIComponent("name=o'brien")}`)
      ).json()) as Array<{ name: string }>;
      expect(exact.map((r) => r.name)).toEqual(["o'brien"]);
      const injection = await list(`q=${encodeURIComponent("name=x' OR '1'='1")}`);
      expect(injection.headers.get('x-total-count')).toBe('0');
    });

    it.each([
      ['page=0', 422, 'UNPROCESSABLE_ENTITY'],
      ['page=abc', 422, 'UNPROCESSABLE_ENTITY'],
      ['page_size=101', 422, 'UNPROCESSABLE_ENTITY'],
      ['page_size=-1', 422, 'UNPROCESSABLE_ENTITY'],
      ['q=password%3Dx', 400, 'BAD_REQUEST'],
      ['q=name', 400, 'BAD_REQUEST'],
      ['q=size%3D~1', 400, 'BAD_REQUEST'],
      ['q=size%3D1;DROP TABLE probe_item', 400, 'BAD_REQUEST'],
      ['sort=salt', 400, 'BAD_REQUEST'],
      ['sort=name,,size', 400, 'BAD_REQUEST'],
    ])('answers %s with %i %s', async (query, status, code) => {
      await expectHarborError(await list(query), status, code);
    });
  });

  it('reports health in Harbor’s shape', async () => {
    const res = await fetch(`${api.url}/api/v2.0/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; components: Array<{ name: string }> };
    expect(violations(body, 'OverallHealthStatus')).toEqual([]);
    expect(body.status).toBe('healthy');
    expect(body.components.map((c) => c.name).sort()).toEqual(['database', 'messaging', 'storage']);
  });

  it('reports systeminfo with Harbor’s public fields', async () => {
    const before = Date.now();
    const res = await fetch(`${api.url}/api/v2.0/systeminfo`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(violations(body, 'GeneralInfo')).toEqual([]);
    expect(body).toMatchObject({
      auth_mode: 'db_auth',
      registry_url: 'registry.example.test:8443',
      external_url: 'https://registry.example.test:8443',
      self_registration: false,
      has_ca_root: false,
      read_only: false,
      with_chartmuseum: false,
      notification_enable: true,
      primary_auth_mode: false,
      banner_message: '',
    });
    expect(Date.parse(String(body.current_time))).toBeGreaterThanOrEqual(before - 1000);
  });

  describe('OpenAPI document', () => {
    const toOpenApiPath = (url: string): string =>
      url.replace(/^\/api\/v2\.0/, '').replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

    it('is served and lists exactly the routes the app registers under /api/v2.0', async () => {
      const res = await fetch(`${api.url}/api/v2.0/openapi.json`);
      expect(res.status).toBe(200);
      const served = (await res.json()) as typeof openApiDocument;
      expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument)));

      const registered = api.app
        .get(ApiRouteTable)
        .routes()
        .map((r) => `${r.method} ${toOpenApiPath(r.url)}`)
        .sort();
      const documented = Object.entries(served.paths)
        .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
        .sort();
      expect(registered).toEqual(documented);
    });

    it('holds every documented operation’s live answer to its documented schema', async () => {
      for (const [p, ops] of Object.entries(openApiDocument.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          const res = await fetch(`${api.url}/api/v2.0${p}`, { method: method.toUpperCase() });
          const documented = op.responses[String(res.status)] as OpenApiResponse | undefined;
          expect(documented, `${method} ${p} answered ${res.status}`).toBeDefined();
          const [mediaType, { schema }] = Object.entries(documented!.content ?? {})[0];
          expect(res.headers.get('content-type')).toContain(mediaType);
          const body: unknown =
            mediaType === 'application/json' ? await res.json() : await res.text();
          expect(schemaViolations(body, schema, ERRORS), `${method} ${p}`).toEqual([]);
        }
      }
    });
  });
});
