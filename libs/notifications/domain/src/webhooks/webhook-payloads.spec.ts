import { describe, expect, it } from 'vitest';
import {
  CLOUD_EVENT_TYPES,
  WEBHOOK_EVENT_TYPES,
  escapeSlack,
  renderWebhookPayload,
  type WebhookEvent,
  type WebhookPolicyRef,
} from './webhook-payloads';

const DIGEST = 'sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4';

function pushEvent(overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    id: '66e18103-09c1-41f6-982f-37df223f3eeb',
    type: 'PUSH_ARTIFACT',
    occurredAt: '2026-04-03T06:04:46.789Z',
    operator: 'admin',
    project: { id: 2, name: 'library', public: true },
    repository: { name: 'alpine', fullName: 'library/alpine', createdAt: '2026-04-03T06:04:45Z' },
    resources: [
      { digest: DIGEST, tag: 'latest', resourceUrl: 'registry.example.com/library/alpine:latest' },
    ],
    ...overrides,
  };
}

const policy: WebhookPolicyRef = { id: 15, name: 'ci', projectId: 2 };
const opts = { source: 'https://registry.example.com' };
const OCCUR_AT = Date.UTC(2026, 3, 3, 6, 4, 46) / 1000;

describe('renderWebhookPayload, Default format', () => {
  it("renders Harbor's push payload", () => {
    const rendered = renderWebhookPayload(
      { type: 'http', payloadFormat: 'Default' },
      pushEvent(),
      policy,
      opts,
    );
    expect(rendered.contentType).toBe('application/json');
    expect(JSON.parse(rendered.body)).toStrictEqual({
      type: 'PUSH_ARTIFACT',
      occur_at: OCCUR_AT,
      operator: 'admin',
      event_data: {
        resources: [
          {
            digest: DIGEST,
            tag: 'latest',
            resource_url: 'registry.example.com/library/alpine:latest',
          },
        ],
        repository: {
          date_created: OCCUR_AT - 1,
          name: 'alpine',
          namespace: 'library',
          repo_full_name: 'library/alpine',
          repo_type: 'public',
        },
      },
    });
  });

  it('keeps the key order Harbor sends', () => {
    const body = renderWebhookPayload({ type: 'http' }, pushEvent(), policy, opts).body;
    expect(body.startsWith('{"type":"PUSH_ARTIFACT","occur_at":')).toBe(true);
    expect(body).toContain('"repository":{"date_created":');
  });

  it('is the default when no format is given', () => {
    const a = renderWebhookPayload({ type: 'http' }, pushEvent(), policy, opts);
    const b = renderWebhookPayload(
      { type: 'http', payloadFormat: 'Default' },
      pushEvent(),
      policy,
      opts,
    );
    expect(a).toEqual(b);
  });

  it('leaves out an unknown creation date and an absent tag, and marks private repositories', () => {
    const event = pushEvent({
      type: 'DELETE_ARTIFACT',
      project: { id: 2, name: 'library', public: false },
      repository: { name: 'alpine', fullName: 'library/alpine' },
      resources: [{ digest: DIGEST, resourceUrl: `registry.example.com/library/alpine@${DIGEST}` }],
    });
    const payload = JSON.parse(renderWebhookPayload({ type: 'http' }, event, policy, opts).body);
    expect(payload.type).toBe('DELETE_ARTIFACT');
    expect(payload.event_data.repository).toStrictEqual({
      name: 'alpine',
      namespace: 'library',
      repo_full_name: 'library/alpine',
      repo_type: 'private',
    });
    expect(payload.event_data.resources).toStrictEqual([
      { digest: DIGEST, resource_url: `registry.example.com/library/alpine@${DIGEST}` },
    ]);
  });

  it('converts offsets to UTC unix seconds', () => {
    const event = pushEvent({ occurredAt: '2026-04-03T08:04:46+02:00' });
    expect(
      JSON.parse(renderWebhookPayload({ type: 'http' }, event, policy, opts).body).occur_at,
    ).toBe(OCCUR_AT);
  });

  it('refuses a timestamp that is not ISO 8601', () => {
    expect(() =>
      renderWebhookPayload({ type: 'http' }, pushEvent({ occurredAt: 'yesterday' }), policy, opts),
    ).toThrow(RangeError);
  });
});

describe('renderWebhookPayload, CloudEvents format', () => {
  const render = (event: WebhookEvent) =>
    renderWebhookPayload({ type: 'http', payloadFormat: 'CloudEvents' }, event, policy, opts);

  it('renders a structured-mode CloudEvent 1.0', () => {
    const rendered = render(pushEvent());
    expect(rendered.contentType).toBe('application/cloudevents+json');
    const ce = JSON.parse(rendered.body);
    expect(ce).toStrictEqual({
      specversion: '1.0',
      id: '66e18103-09c1-41f6-982f-37df223f3eeb',
      source: '/projects/2/webhook/policies/15',
      type: 'harbor.artifact.pushed',
      datacontenttype: 'application/json',
      time: '2026-04-03T06:04:46Z',
      data: {
        resources: [
          {
            digest: DIGEST,
            tag: 'latest',
            resource_url: 'registry.example.com/library/alpine:latest',
          },
        ],
        repository: {
          date_created: OCCUR_AT - 1,
          name: 'alpine',
          namespace: 'library',
          repo_full_name: 'library/alpine',
          repo_type: 'public',
        },
      },
      operator: 'admin',
    });
  });

  it('carries the required attributes as non-empty strings and only lowercase alphanumeric names', () => {
    for (const type of WEBHOOK_EVENT_TYPES) {
      const ce = JSON.parse(render(pushEvent({ type })).body) as Record<string, unknown>;
      for (const attribute of ['id', 'source', 'specversion', 'type']) {
        expect(typeof ce[attribute]).toBe('string');
        expect(ce[attribute]).not.toBe('');
      }
      for (const name of Object.keys(ce)) expect(name).toMatch(/^[a-z0-9]{1,20}$/);
      expect(ce.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
  });

  it("uses Harbor's type for every event", () => {
    const types = WEBHOOK_EVENT_TYPES.map(
      (type) => JSON.parse(render(pushEvent({ type })).body).type,
    );
    expect(types).toEqual([
      'harbor.artifact.pushed',
      'harbor.artifact.pulled',
      'harbor.artifact.deleted',
      'harbor.scan.completed',
      'harbor.scan.failed',
      'harbor.scan.stopped',
      'harbor.quota.exceeded',
      'harbor.quota.warned',
      'harbor.replication.status.changed',
      'harbor.tag_retention.finished',
    ]);
    expect(Object.keys(CLOUD_EVENT_TYPES).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
  });

  it('gives time in UTC whatever offset the event carried', () => {
    const ce = JSON.parse(render(pushEvent({ occurredAt: '2026-04-03T01:04:46.5-05:00' })).body);
    expect(ce.time).toBe('2026-04-03T06:04:46Z');
  });
});

describe('renderWebhookPayload, Slack', () => {
  const render = (event: WebhookEvent) => {
    const rendered = renderWebhookPayload(
      { type: 'slack', payloadFormat: 'CloudEvents' },
      event,
      policy,
      opts,
    );
    expect(rendered.contentType).toBe('application/json');
    return JSON.parse(rendered.body) as {
      text: string;
      blocks: Array<{ type: string; text: { type: string; text: string } }>;
    };
  };

  it('summarises a push in one line and in a mrkdwn section', () => {
    expect(render(pushEvent())).toStrictEqual({
      text: 'Artifact pushed to library/alpine:latest by admin',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: [
              '*Artifact pushed* to `library/alpine:latest` by admin',
              `Digest: \`${DIGEST}\``,
              'Occurred: 2026-04-03T06:04:46Z',
              'Registry: https://registry.example.com',
            ].join('\n'),
          },
        },
      ],
    });
  });

  it('names an untagged artifact by digest and lists several artifacts', () => {
    const other = 'sha256:' + 'a'.repeat(64);
    const message = render(
      pushEvent({
        type: 'PULL_ARTIFACT',
        resources: [
          { digest: DIGEST, resourceUrl: 'r' },
          { digest: other, tag: 'v2', resourceUrl: 'r' },
        ],
      }),
    );
    expect(message.text).toBe(`Artifact pulled from library/alpine@${DIGEST} (+1 more) by admin`);
    expect(message.blocks[0].text.text.split('\n').slice(1, 3)).toEqual([
      `• \`library/alpine@${DIGEST}\` \`${DIGEST}\``,
      `• \`library/alpine:v2\` \`${other}\``,
    ]);
  });

  it('escapes Slack control characters in what users control', () => {
    const message = render(pushEvent({ operator: '<!channel> & <https://evil.example|click>' }));
    expect(message.text).toBe(
      'Artifact pushed to library/alpine:latest by &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;',
    );
    expect(message.blocks[0].text.text).not.toMatch(/<|>/);
    expect(message.blocks[0].text.text).toContain(
      'by &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;',
    );
    expect(escapeSlack('a&b<c>d')).toBe('a&amp;b&lt;c&gt;d');
  });

  it('gives every event type its own title', () => {
    const titles = WEBHOOK_EVENT_TYPES.map(
      (type) => render(pushEvent({ type })).blocks[0].text.text.split('*')[1],
    );
    expect(new Set(titles).size).toBe(WEBHOOK_EVENT_TYPES.length);
    expect(titles).toContain('Scan failed');
    expect(titles).toContain('Quota exceeded');
  });
});
