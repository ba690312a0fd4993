import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SCAN_STOPPED_REASON, eventSchemas, type EventEnvelope } from '@berth/contracts';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { ProjectRepository, type Project } from '@berth/projects/domain';
import { AuditLogRepository } from './audit/audit-log.repository';
import { auditEntryOf, projectNameOf, type AuditEntry } from './audit/audit-record.mapper';
import { SystemConfigurations, type AuditSettings } from './configurations/system-configurations';
import { AuditForwardRepository } from './forwarding/audit-forward.repository';
import { NotificationSignals } from './notification-signals';
import { WebhookJobRepository, type NewWebhookJob } from './webhooks/webhook-job.repository';
import {
  renderWebhookPayload,
  type WebhookEvent,
  type WebhookEventType,
} from './webhooks/webhook-payloads';
import { WebhookPolicyRepository } from './webhooks/webhook-policy.repository';

/** Domain events that webhooks announce, by Harbor's event type. */
const WEBHOOK_TYPES: Record<string, WebhookEventType> = {
  'artifact.pushed': 'PUSH_ARTIFACT',
  'artifact.pulled': 'PULL_ARTIFACT',
  'artifact.deleted': 'DELETE_ARTIFACT',
  'scan.completed': 'SCANNING_COMPLETED',
  'scan.failed': 'SCANNING_FAILED',
};

/** The report MIME type Harbor keys a scan overview by. */
const VULNERABILITY_REPORT_MIME = 'application/vnd.security.vulnerability.report; version=1.1';

const PROJECT_CACHE_MS = 2000;
/** Events per transaction at most. */
const MAX_BATCH = 500;
/** What every artifact event carries (pushed adds a size). */
const artifactRef = eventSchemas['artifact.pulled'];

interface Pending {
  envelope: EventEnvelope;
  done: () => void;
  failed: (e: unknown) => void;
}

interface Prepared {
  audit?: AuditEntry;
  jobs: NewWebhookJob[];
  deletedProjectId?: number;
}

/**
 * Turns one domain event into what the notifier owes the outside world: an audit-log row, a
 * record queued for the SIEM collector, a webhook job per matching policy and target. All of
 * an event's rows commit together and are keyed by the event id, so a redelivered event (after
 * a crash, before its ack) adds nothing. Events handled in the same turn of the event loop are
 * written in one transaction.
 */
@Injectable()
export class RecordEventUseCase {
  private pending: Pending[] = [];
  private flushing = false;
  private readonly registryHost: string;
  /** Projects by name for a moment: a burst of pulls would otherwise look one up per event. */
  private readonly repositoryCreated = new Map<string, Promise<string | undefined>>();
  private readonly projectCache = new Map<
    string,
    { at: number; project: Promise<Project | null> }
  >();

  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectRepository,
    private readonly policies: WebhookPolicyRepository,
    private readonly jobs: WebhookJobRepository,
    private readonly auditLog: AuditLogRepository,
    private readonly forwardQueue: AuditForwardRepository,
    private readonly configurations: SystemConfigurations,
    private readonly signals: NotificationSignals,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {
    this.registryHost = new URL(config.http.externalUrl).host;
  }

  /** Resolves once the event's rows are committed; rejects if they were not. */
  execute(envelope: EventEnvelope): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0 && !this.flushing) setImmediate(() => void this.flush());
      this.pending.push({ envelope, done: resolve, failed: reject });
    });
  }

  /**
   * One batch at a time: what arrives while a batch is being written waits for the next, so
   * under load batches grow (one commit for many events) and when idle each event goes at once.
   */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) await this.write(this.pending.splice(0, MAX_BATCH));
    } finally {
      this.flushing = false;
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const settings = await this.configurations.auditSettings();
      const prepared = await Promise.all(batch.map((p) => this.prepare(p.envelope, settings)));
      const audits = prepared.flatMap((p) => (p.audit ? [p.audit] : []));
      const jobs = prepared.flatMap((p) => p.jobs);
      const forward = settings.forwardEndpoint !== '';
      await this.dataSource.transaction(async (em) => {
        if (!settings.skipDatabase) await this.auditLog.record(em, audits);
        if (forward) await this.forwardQueue.enqueue(em, audits);
        await this.jobs.enqueue(em, jobs);
        for (const p of prepared)
          if (p.deletedProjectId !== undefined)
            await this.policies.deleteForProject(em, p.deletedProjectId);
      });
      if (jobs.length > 0) this.signals.emit('webhooks');
      if (forward && audits.length > 0) this.signals.emit('forward');
      for (const p of batch) p.done();
    } catch (e) {
      for (const p of batch) p.failed(e);
    }
  }

  private async prepare(envelope: EventEnvelope, settings: AuditSettings): Promise<Prepared> {
    const audit =
      settings.skipPulls && envelope.type === 'artifact.pulled'
        ? undefined
        : auditEntryOf(envelope);
    const projectName = projectNameOf(envelope);
    const deletedProjectId =
      envelope.type === 'project.deleted'
        ? eventSchemas['project.deleted'].parse(envelope.data).projectId
        : undefined;
    const webhookType = webhookTypeOf(envelope);
    const needsProject =
      projectName !== undefined && (webhookType !== undefined || audit?.projectId === undefined);
    let project: Project | null = null;
    if (needsProject && deletedProjectId === undefined) project = await this.project(projectName);
    if (audit && audit.projectId === undefined && project) audit.projectId = project.id;
    const jobs = webhookType && project ? await this.jobsFor(envelope, webhookType, project) : [];
    return { audit, jobs, deletedProjectId };
  }

  private async jobsFor(
    envelope: EventEnvelope,
    type: WebhookEventType,
    project: Project,
  ): Promise<NewWebhookJob[]> {
    const policies = await this.policies.matching(project.id, type);
    if (policies.length === 0) return [];
    const data = webhookSubjectOf(envelope);
    const name = data.repository.slice(project.name.length + 1);
    const event: WebhookEvent = {
      id: envelope.id,
      type,
      occurredAt: envelope.occurredAt,
      operator: data.operator ?? 'anonymous',
      project: { id: project.id, name: project.name, public: project.isPublic },
      repository: {
        name,
        fullName: data.repository,
        createdAt: await this.repositoryCreatedAt(data.repository),
      },
      resources: [
        {
          digest: data.digest,
          ...(data.tag ? { tag: data.tag } : {}),
          resourceUrl: `${this.registryHost}/${data.repository}${data.tag ? `:${data.tag}` : `@${data.digest}`}`,
          ...(data.scanOverview ? { scanOverview: data.scanOverview } : {}),
          ...(data.sbomOverview ? { sbomOverview: data.sbomOverview } : {}),
        },
      ],
    };
    const jobs: NewWebhookJob[] = [];
    for (const policy of policies)
      policy.targets.forEach((target, targetIndex) => {
        const rendered = renderWebhookPayload(
          { type: target.type, payloadFormat: target.payloadFormat },
          event,
          { id: policy.id, name: policy.name, projectId: project.id },
          { source: this.config.http.externalUrl },
        );
        jobs.push({
          policyId: policy.id,
          projectId: project.id,
          eventId: envelope.id,
          targetIndex,
          eventType: type,
          vendorType: target.type === 'slack' ? 'SLACK' : 'WEBHOOK',
          address: target.address,
          contentType: rendered.contentType,
          payload: rendered.body,
        });
      });
    return jobs;
  }

  private project(name: string): Promise<Project | null> {
    const cached = this.projectCache.get(name);
    if (cached && Date.now() - cached.at < PROJECT_CACHE_MS) return cached.project;
    if (this.projectCache.size > 10_000) this.projectCache.clear();
    const project = this.projects.getByName(name);
    project.catch(() => this.projectCache.delete(name));
    this.projectCache.set(name, { at: Date.now(), project });
    return project;
  }

  private repositoryCreatedAt(name: string): Promise<string | undefined> {
    // A repository's creation time never changes: remember it (bounded).
    let known = this.repositoryCreated.get(name);
    if (!known) {
      if (this.repositoryCreated.size > 10_000) this.repositoryCreated.clear();
      known = this.readRepositoryCreatedAt(name);
      known.then(
        (at) => at === undefined && this.repositoryCreated.delete(name),
        () => this.repositoryCreated.delete(name),
      );
      this.repositoryCreated.set(name, known);
    }
    return known;
  }

  private async readRepositoryCreatedAt(name: string): Promise<string | undefined> {
    const rows: Array<{ created_at: string }> = await this.dataSource.query(
      this.dataSource.options.type === 'postgres'
        ? 'SELECT created_at FROM repository WHERE name = $1'
        : 'SELECT created_at FROM repository WHERE name = ?',
      [name],
    );
    return rows[0]?.created_at;
  }
}

/** Harbor's webhook event type for a domain event; a stopped scan is SCANNING_STOPPED. */
function webhookTypeOf(envelope: EventEnvelope): WebhookEventType | undefined {
  if (
    envelope.type === 'scan.failed' &&
    eventSchemas['scan.failed'].parse(envelope.data).reason === SCAN_STOPPED_REASON
  )
    return 'SCANNING_STOPPED';
  return WEBHOOK_TYPES[envelope.type];
}

interface WebhookSubject {
  repository: string;
  digest: string;
  tag?: string;
  operator?: string;
  scanOverview?: Record<string, unknown>;
  sbomOverview?: Record<string, unknown>;
}

/**
 * The artifact an announced event is about; scan events carry Harbor's scan overview (or, for
 * SBOM generation, its SBOM overview) as far as the event tells it.
 */
function webhookSubjectOf(envelope: EventEnvelope): WebhookSubject {
  if (envelope.type !== 'scan.completed' && envelope.type !== 'scan.failed')
    return artifactRef.parse(envelope.data);
  const completed =
    envelope.type === 'scan.completed'
      ? eventSchemas['scan.completed'].parse(envelope.data)
      : undefined;
  const d = completed ?? eventSchemas['scan.failed'].parse(envelope.data);
  const stopped = !completed && 'reason' in d && d.reason === SCAN_STOPPED_REASON;
  const status = completed ? 'Success' : stopped ? 'Stopped' : 'Error';
  const subject = { repository: d.repository, digest: d.digest, operator: d.requestedBy };
  if (d.scanType === 'sbom')
    return { ...subject, sbomOverview: { report_id: d.reportId, scan_status: status } };
  return {
    ...subject,
    scanOverview: {
      [VULNERABILITY_REPORT_MIME]: {
        report_id: d.reportId,
        scan_status: status,
        complete_percent: stopped ? 0 : 100,
        ...(completed
          ? {
              severity: completed.severity,
              summary: {
                total: completed.total,
                fixable: completed.fixable,
                summary: completed.bySeverity ?? {},
              },
            }
          : {}),
      },
    },
  };
}
