export type WebhookEventType =
  | 'PUSH_ARTIFACT'
  | 'PULL_ARTIFACT'
  | 'DELETE_ARTIFACT'
  | 'SCANNING_COMPLETED'
  | 'SCANNING_FAILED'
  | 'SCANNING_STOPPED'
  | 'QUOTA_EXCEED'
  | 'QUOTA_WARNING'
  | 'REPLICATION'
  | 'TAG_RETENTION';

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'PUSH_ARTIFACT',
  'PULL_ARTIFACT',
  'DELETE_ARTIFACT',
  'SCANNING_COMPLETED',
  'SCANNING_FAILED',
  'SCANNING_STOPPED',
  'QUOTA_EXCEED',
  'QUOTA_WARNING',
  'REPLICATION',
  'TAG_RETENTION',
];

export interface WebhookEvent {
  /** The event id; also the idempotency key. */
  id: string;
  type: WebhookEventType;
  /** ISO 8601. */
  occurredAt: string;
  operator: string;
  project: { id: number; name: string; public: boolean };
  repository: {
    /** Without the project. */
    name: string;
    /** project/name */
    fullName: string;
    /** ISO 8601. */
    createdAt?: string;
  };
  resources: Array<{
    digest: string;
    tag?: string;
    /** e.g. registry.example.com/proj/repo:tag or …/proj/repo@sha256:… */
    resourceUrl: string;
    /** Vulnerability scan events: Harbor's scan overview of the artifact, keyed by report MIME type. */
    scanOverview?: Record<string, unknown>;
    /** SBOM generation events: Harbor's SBOM overview of the artifact. */
    sbomOverview?: Record<string, unknown>;
  }>;
}

export interface WebhookPolicyRef {
  id: number;
  name: string;
  projectId: number;
}

export type PayloadFormat = 'Default' | 'CloudEvents';

export interface RenderedPayload {
  contentType: string;
  body: string;
}

export interface WebhookTargetFormat {
  type: 'http' | 'slack';
  payloadFormat?: PayloadFormat;
}

/** Harbor's event_data object, shared by the Default and the CloudEvents format. */
export interface HarborEventData {
  resources: Array<{
    digest: string;
    tag?: string;
    resource_url: string;
    scan_overview?: Record<string, unknown>;
    sbom_overview?: Record<string, unknown>;
  }>;
  repository: {
    date_created?: number;
    name: string;
    namespace: string;
    repo_full_name: string;
    repo_type: 'public' | 'private';
  };
}

export interface HarborDefaultPayload {
  type: WebhookEventType;
  occur_at: number;
  operator: string;
  event_data: HarborEventData;
}

export interface HarborCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  datacontenttype: 'application/json';
  time: string;
  data: HarborEventData;
  operator: string;
}

export interface SlackMessage {
  text: string;
  blocks: Array<{ type: 'section'; text: { type: 'mrkdwn'; text: string } }>;
}

/** Harbor's CloudEvents type for each of its event types. */
export const CLOUD_EVENT_TYPES: Readonly<Record<WebhookEventType, string>> = {
  PUSH_ARTIFACT: 'harbor.artifact.pushed',
  PULL_ARTIFACT: 'harbor.artifact.pulled',
  DELETE_ARTIFACT: 'harbor.artifact.deleted',
  SCANNING_COMPLETED: 'harbor.scan.completed',
  SCANNING_FAILED: 'harbor.scan.failed',
  SCANNING_STOPPED: 'harbor.scan.stopped',
  QUOTA_EXCEED: 'harbor.quota.exceeded',
  QUOTA_WARNING: 'harbor.quota.warned',
  REPLICATION: 'harbor.replication.status.changed',
  TAG_RETENTION: 'harbor.tag_retention.finished',
};

const SLACK_TITLES: Readonly<Record<WebhookEventType, { title: string; preposition: string }>> = {
  PUSH_ARTIFACT: { title: 'Artifact pushed', preposition: 'to' },
  PULL_ARTIFACT: { title: 'Artifact pulled', preposition: 'from' },
  DELETE_ARTIFACT: { title: 'Artifact deleted', preposition: 'from' },
  SCANNING_COMPLETED: { title: 'Scan completed', preposition: 'for' },
  SCANNING_FAILED: { title: 'Scan failed', preposition: 'for' },
  SCANNING_STOPPED: { title: 'Scan stopped', preposition: 'for' },
  QUOTA_EXCEED: { title: 'Quota exceeded', preposition: 'by a push to' },
  QUOTA_WARNING: { title: 'Quota warning', preposition: 'on a push to' },
  REPLICATION: { title: 'Replication status changed', preposition: 'for' },
  TAG_RETENTION: { title: 'Tag retention finished', preposition: 'for' },
};

export const JSON_CONTENT_TYPE = 'application/json';
export const CLOUD_EVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** Renders an event as the body a webhook target of the given type and format expects. */
export function renderWebhookPayload(
  target: WebhookTargetFormat,
  event: WebhookEvent,
  policy: WebhookPolicyRef,
  opts: { source: string },
): RenderedPayload {
  if (target.type === 'slack') {
    return { contentType: JSON_CONTENT_TYPE, body: JSON.stringify(slackMessage(event, opts)) };
  }
  if (target.payloadFormat === 'CloudEvents') {
    return {
      contentType: CLOUD_EVENTS_CONTENT_TYPE,
      body: JSON.stringify(cloudEvent(event, policy)),
    };
  }
  return { contentType: JSON_CONTENT_TYPE, body: JSON.stringify(defaultPayload(event)) };
}

export function defaultPayload(event: WebhookEvent): HarborDefaultPayload {
  return {
    type: event.type,
    occur_at: unixSeconds(event.occurredAt),
    operator: event.operator,
    event_data: eventData(event),
  };
}

export function cloudEvent(event: WebhookEvent, policy: WebhookPolicyRef): HarborCloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source: `/projects/${policy.projectId}/webhook/policies/${policy.id}`,
    type: CLOUD_EVENT_TYPES[event.type],
    datacontenttype: 'application/json',
    time: rfc3339(event.occurredAt),
    data: eventData(event),
    // Harbor's own extension attribute; the spec wants extension names lowercase alphanumeric.
    operator: event.operator,
  };
}

export function slackMessage(event: WebhookEvent, opts: { source: string }): SlackMessage {
  const { title, preposition } = SLACK_TITLES[event.type];
  const first = event.resources[0];
  const subject = first
    ? artifactReference(event.repository.fullName, first)
    : event.repository.fullName;
  const operator = escapeSlack(event.operator);
  const time = rfc3339(event.occurredAt);

  const lines = [`*${title}* ${preposition} ${code(subject)} by ${operator}`];
  if (event.resources.length === 1) {
    lines.push(`Digest: ${code(event.resources[0].digest)}`);
  } else {
    for (const r of event.resources) {
      lines.push(`• ${code(artifactReference(event.repository.fullName, r))} ${code(r.digest)}`);
    }
  }
  lines.push(`Occurred: ${time}`);
  if (opts.source !== '') lines.push(`Registry: ${escapeSlack(opts.source)}`);

  const more = event.resources.length > 1 ? ` (+${event.resources.length - 1} more)` : '';
  return {
    text: `${title} ${preposition} ${escapeSlack(subject)}${more} by ${operator}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }],
  };
}

/** Slack reads &, < and > as markup; everything a user controls goes through here. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(text: string): string {
  // A backtick would end the code span early, so it is swapped for a look-alike.
  return '`' + escapeSlack(text).replace(/`/g, 'ˋ') + '`';
}

function artifactReference(fullName: string, resource: { digest: string; tag?: string }): string {
  return resource.tag ? `${fullName}:${resource.tag}` : `${fullName}@${resource.digest}`;
}

function eventData(event: WebhookEvent): HarborEventData {
  const repository: HarborEventData['repository'] = {
    name: event.repository.name,
    namespace: event.project.name,
    repo_full_name: event.repository.fullName,
    repo_type: event.project.public ? 'public' : 'private',
  };
  return {
    resources: event.resources.map((r) => ({
      digest: r.digest,
      ...(r.tag !== undefined && r.tag !== '' ? { tag: r.tag } : {}),
      resource_url: r.resourceUrl,
      ...(r.scanOverview ? { scan_overview: r.scanOverview } : {}),
      ...(r.sbomOverview ? { sbom_overview: r.sbomOverview } : {}),
    })),
    // Harbor puts date_created first and leaves it out when unknown.
    repository:
      event.repository.createdAt !== undefined
        ? { date_created: unixSeconds(event.repository.createdAt), ...repository }
        : repository,
  };
}

function epochMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 timestamp: ${iso}`);
  return ms;
}

function unixSeconds(iso: string): number {
  return Math.floor(epochMs(iso) / 1000);
}

/** RFC 3339 in UTC at whole seconds, as Harbor sends it. */
function rfc3339(iso: string): string {
  return new Date(unixSeconds(iso) * 1000).toISOString().replace('.000Z', 'Z');
}
