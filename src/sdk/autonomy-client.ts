import type { ExceptionRecord, InboxNotification, Severity } from '../core/exception.js';
import type { MetricKind } from '../core/metric.js';
import type { Approval } from '../core/approval.js';
import type { Actor, WorkItem } from '../core/model.js';
import { fail, ok, type ApiProblem, type Result } from './result.js';

/** Why a claim found nothing, as the control plane says it. */
export type NoWorkReason =
  'actor_unavailable' | 'at_capacity' | 'no_matching_type' | 'no_queued_work';

/** What a claim gives: an item with its lease, or why there is none. */
export type Claim =
  { item: WorkItem; decision: unknown } | { item: null; reason: NoWorkReason; message: string };

/** An authority decision: allow, approval required or deny, and the policies that decided. */
export interface AuthorityDecision {
  decision: 'allow' | 'approval_required' | 'deny';
  policies: { id: string; effect: 'permit' | 'forbid'; annotations: Record<string, string> }[];
  errors: string[];
  reason: string;
  configured: boolean;
  revision: number;
  actorId: string;
}

/** A custom action the control plane recorded as allowed (the agent's go-ahead). */
export interface PerformedAction {
  actorId: string;
  action: string;
  class: string;
  resource: ResourceRef;
  domainId: string;
  argumentsHash: string;
  approvalId: string | null;
  decision: 'allow' | 'approval_required';
  policies: AuthorityDecision['policies'];
}

/** What an action is about: a work item or a domain. */
export interface ResourceRef {
  type: 'WorkItem' | 'Domain';
  id: string;
}

/** One observation of a business metric the control plane cannot see itself. */
export interface MetricPointInput {
  name: string;
  kind: MetricKind;
  value: number;
  labels?: Record<string, string>;
  /** ISO 8601; default now. */
  at?: string;
}

export interface AutonomyClientOptions {
  /** Where the control plane listens, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** An API token (an agent's is bound to its actor). */
  token: string;
  /** The actor this client acts as; needed for heartbeats (an agent token's own actor). */
  actorId?: string;
  /** A fetch to use instead of the global one (a proxy, a test double). */
  fetch?: typeof fetch;
}

type Method = 'GET' | 'POST' | 'DELETE';

/**
 * A typed client of the control plane's HTTP API for agents and integrations. Every method
 * answers a `Result`: refusals (a policy's deny, approval required, a halt, a conflict) are
 * values carrying the control plane's problem document, never thrown.
 */
export class AutonomyClient {
  readonly #base: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly actorId: string | undefined;

  constructor(options: AutonomyClientOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? fetch;
    this.actorId = options.actorId;
  }

  /**
   * One request to `/v1<path>`: the status, parsed JSON body and headers of a 2xx answer, or
   * its problem. For routes the typed methods do not cover.
   */
  async request(
    method: Method,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Result<{ status: number; body: unknown; headers: Headers }>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}/v1${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      return fail({
        status: 0,
        code: 'unavailable',
        title: 'Unavailable',
        detail: `the control plane at ${this.#base} could not be reached: ${String(error)}`,
      });
    }
    const text = await response.text();
    const parsed: unknown = text === '' ? null : safeJson(text);
    if (response.ok)
      return ok({ status: response.status, body: parsed, headers: response.headers });
    return fail(asProblem(response.status, parsed, text));
  }

  /** The best queued item this actor can do, with a lease; or why there is none. */
  async claim(): Promise<Result<Claim>> {
    const answer = await this.request(
      'POST',
      '/work/claim',
      this.actorId === undefined ? {} : { actorId: this.actorId },
    );
    if (!answer.ok) return answer;
    const { status, headers } = answer.value;
    const body = answer.value.body as (WorkItem & { decision: unknown }) | null;
    if (status === 204 || body === null)
      return ok({
        item: null,
        reason: (headers.get('autonomy-no-work-reason') ?? 'no_queued_work') as NoWorkReason,
        message: headers.get('autonomy-no-work-message') ?? '',
      });
    const { decision, ...item } = body;
    return ok({ item, decision });
  }

  /** Records that the actor is alive; renews the leases of what it holds. */
  async heartbeat(): Promise<Result<Actor>> {
    const actorId = this.#requireActor('heartbeat');
    return this.#body<Actor>('POST', `/actors/${encodeURIComponent(actorId)}/heartbeat`, {});
  }

  /** assigned → in progress. */
  start(id: string, options: WorkActionOptions = {}): Promise<Result<WorkItem>> {
    return this.#act(id, 'start', options);
  }

  /** Done. An action the policies allow only with approval passes `approvalId`. */
  complete(id: string, options: WorkActionOptions = {}): Promise<Result<WorkItem>> {
    return this.#act(id, 'complete', options);
  }

  /** Failed, with the reason (retried by the work type's attempts). */
  fail(id: string, reason: string, options: WorkActionOptions = {}): Promise<Result<WorkItem>> {
    return this.#act(id, 'fail', { ...options, reason });
  }

  /** Gives the item back to the queue. */
  release(id: string, reason?: string): Promise<Result<WorkItem>> {
    return this.#act(id, 'release', reason === undefined ? {} : { reason });
  }

  /** A work item with its history. */
  getWork(id: string): Promise<Result<WorkItem & { history: unknown[] }>> {
    return this.#body('GET', `/work/${encodeURIComponent(id)}`);
  }

  /** The items this actor holds now. */
  async myWork(): Promise<Result<WorkItem[]>> {
    const actorId = this.#requireActor('list its work');
    const answer = await this.#body<{ items: WorkItem[] }>(
      'GET',
      `/work?owner=${encodeURIComponent(actorId)}&limit=500`,
    );
    return answer.ok ? ok(answer.value.items) : answer;
  }

  /** What the authority policies decide for this actor, one action and one resource. */
  checkAuthority(input: {
    action: string;
    resource: ResourceRef;
    context?: Record<string, unknown>;
  }): Promise<Result<AuthorityDecision>> {
    return this.#body('POST', '/authority/check', {
      ...(this.actorId === undefined ? {} : { actorId: this.actorId }),
      ...input,
    });
  }

  /** Asks a person's approval for one exact action the policies allow only with approval. */
  requestApproval(request: ApprovalRequest): Promise<Result<Approval>> {
    return this.#body('POST', '/approvals', request);
  }

  /**
   * An approval; with `waitSeconds` (at most 300), answered as soon as it is decided, expires or
   * is used, or as it is when the time is up.
   */
  getApproval(id: string, waitSeconds = 0, signal?: AbortSignal): Promise<Result<Approval>> {
    return this.#body(
      'GET',
      `/approvals/${encodeURIComponent(id)}?wait=${String(waitSeconds)}`,
      undefined,
      signal,
    );
  }

  /**
   * Waits until a person decides the approval (or it expires), long-polling in steps of at most
   * five minutes, for `timeoutSeconds` at most; answers the approval as it then is. The signal
   * stops the wait (the call then rejects with its abort reason).
   */
  async awaitApproval(
    id: string,
    timeoutSeconds = 3600,
    signal?: AbortSignal,
  ): Promise<Result<Approval>> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      const answer = await this.getApproval(id, Math.min(left, 300), signal);
      if (!answer.ok || answer.value.state !== 'pending' || left === 0) return answer;
    }
  }

  /**
   * Takes a custom action (a refund, a deploy) that happens outside the control plane: decided by
   * the policies and recorded; with `approvalId` when it needs approval, which it spends.
   */
  performAction(input: {
    action: string;
    resource: ResourceRef;
    arguments?: Record<string, unknown>;
    approvalId?: string;
  }): Promise<Result<PerformedAction>> {
    return this.#body('POST', '/actions', input);
  }

  /** Raises an exception, routed and escalated to its owners like a detector's. */
  raiseException(input: {
    alertname: string;
    summary: string;
    severity?: Severity;
    labels?: Record<string, string>;
    details?: Record<string, unknown>;
  }): Promise<Result<ExceptionRecord>> {
    return this.#body('POST', '/exceptions', {
      labels: { ...input.labels, alertname: input.alertname },
      summary: input.summary,
      ...(input.severity === undefined ? {} : { severity: input.severity }),
      ...(input.details === undefined ? {} : { details: input.details }),
    });
  }

  /** Reports points of business metrics; all are recorded or none. */
  reportMetrics(points: MetricPointInput[]): Promise<Result<unknown>> {
    return this.#body('POST', '/metrics', { points });
  }

  /** Creates a work item (an integration bringing work in). */
  createWork(input: {
    typeId: string;
    title: string;
    payload?: Record<string, unknown>;
    priorityClass?: WorkItem['priorityClass'];
    value?: number;
  }): Promise<Result<WorkItem>> {
    return this.#body('POST', '/work', input);
  }

  /** The notifications routed to this actor (unread only by default), newest first. */
  async inbox(options: { unread?: boolean } = {}): Promise<Result<InboxNotification[]>> {
    const actorId = this.#requireActor('read its inbox');
    const answer = await this.#body<{ items: InboxNotification[] }>(
      'GET',
      `/actors/${encodeURIComponent(actorId)}/inbox?unread=${String(options.unread ?? true)}&limit=200`,
    );
    return answer.ok ? ok(answer.value.items) : answer;
  }

  /** Marks notifications of this actor's inbox read. */
  markRead(ids: string[]): Promise<Result<{ marked: number }>> {
    const actorId = this.#requireActor('mark its inbox read');
    return this.#body('POST', `/actors/${encodeURIComponent(actorId)}/inbox/read`, { ids });
  }

  /** Takes an exception on: its escalation stops. */
  acknowledgeException(id: string, comment?: string): Promise<Result<ExceptionRecord>> {
    return this.#body(
      'POST',
      `/exceptions/${encodeURIComponent(id)}/acknowledge`,
      comment === undefined ? {} : { comment },
    );
  }

  /** Resolves an exception by hand, saying why. */
  resolveException(id: string, reason: string): Promise<Result<ExceptionRecord>> {
    return this.#body('POST', `/exceptions/${encodeURIComponent(id)}/resolve`, { reason });
  }

  async #body<T>(
    method: Method,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Result<T>> {
    const answer = await this.request(method, path, body, signal);
    // The server's response schema is the contract; the client does not re-validate it.
    return answer.ok ? ok(answer.value.body as T) : answer;
  }

  #act(id: string, action: string, options: WorkActionOptions): Promise<Result<WorkItem>> {
    return this.#body('POST', `/work/${encodeURIComponent(id)}/${action}`, options);
  }

  #requireActor(what: string): string {
    if (this.actorId === undefined)
      throw new TypeError(`name the client's actorId to ${what} (AutonomyClientOptions.actorId)`);
    return this.actorId;
  }
}

export interface WorkActionOptions {
  reason?: string;
  /**
   * A person's approval of exactly this action, item and body (the body without the id), for an
   * action the policies allow only with approval; spent by the request.
   */
  approvalId?: string;
}

/** What an approval request names: one action, one resource, its exact arguments. */
export interface ApprovalRequest {
  action: string;
  resource: ResourceRef;
  /**
   * The custom action's context, or for a work action the body it will send (without
   * `approvalId`): bound by their hash, so the action must be taken with exactly these.
   */
  arguments?: Record<string, unknown>;
  /** Why, for the approvers. */
  justification?: string;
  /** Posted once the approval is decided or expires. */
  webhook?: { url: string };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function asProblem(status: number, parsed: unknown, text: string): ApiProblem {
  if (parsed !== null && typeof parsed === 'object' && 'code' in parsed) {
    const p = parsed as Partial<ApiProblem>;
    return {
      ...p,
      status,
      code: String(p.code),
      title: typeof p.title === 'string' ? p.title : `HTTP ${status}`,
      detail: typeof p.detail === 'string' ? p.detail : '',
    };
  }
  return {
    status,
    code: status >= 500 ? 'internal' : 'unknown',
    title: `HTTP ${status}`,
    detail: text.slice(0, 500),
  };
}
