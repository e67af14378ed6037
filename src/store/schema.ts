/**
 * Table shapes as Kysely sees them. Timestamps are ISO 8601 UTC strings and JSON is text in both
 * dialects, so one migration set and one set of queries serve SQLite and PostgreSQL alike.
 */
export interface EventsTable {
  seq: number;
  time: string;
  type: string;
  actor: string;
  subject: string | null;
  payload: string;
  prev_hash: string;
  hash: string;
}

export interface EventChainHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface DomainsTable {
  id: string;
  name: string;
  description: string;
  owners: string;
  /** 1 when the domain allows preemption, else 0 (SQLite has no boolean). */
  preemption: number;
}

export interface ActorsTable {
  id: string;
  kind: string;
  name: string;
  domains: string;
  skills: string;
  capacity: number;
  mode: string;
  cost_per_hour: number;
  status: string;
  last_heartbeat_at: string | null;
}

export interface WorkTypesTable {
  id: string;
  domain_id: string;
  name: string;
  description: string;
  required_skills: string;
  expected_duration_seconds: number;
  sla_seconds: number;
  max_attempts: number;
  stages: string;
}

export interface WorkItemsTable {
  id: string;
  type_id: string;
  title: string;
  payload: string;
  value: number;
  due_at: string | null;
  priority_class: string;
  priority: number;
  /** The item's stage; '' for a type without stages (the model's null). */
  stage_id: string;
  state: string;
  owner_id: string | null;
  offered_to: string | null;
  lease_expires_at: string | null;
  started_at: string | null;
  attempts: number;
  failed_by: string;
  declined_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface WorkDependenciesTable {
  work_id: string;
  depends_on: string;
}

/** What was learned per work type (actor_id '') and per actor on a type. */
export interface WorkStatsTable {
  type_id: string;
  actor_id: string;
  completions: number;
  failures: number;
  duration_weight: number;
  duration_sum: number;
  success_weight: number;
  failure_weight: number;
  updated_at: string;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  actor_id: string | null;
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface OrganizationTable {
  id: number;
  name: string;
  description: string;
  revision: number;
  applied_at: string;
  applied_by: string;
  /** The routing keys of the applied file as JSON (route, inhibit_rules, time_intervals). */
  routing: string | null;
  /** The SLO definitions of the applied file as JSON; null when it has none. */
  slos: string | null;
  /** The objectives and key results of the applied file as JSON; null when it has none. */
  objectives: string | null;
  /** Custom actions and authority policies of the applied file as JSON (migration 0013). */
  authority: string | null;
  /** Budgets and rate limits per agent of the applied file as JSON (migration 0016). */
  budgets: string | null;
}

export interface KeyResultSnapshotsTable {
  objective_id: string;
  key_result_id: string;
  at: string;
  value: number;
  progress: number;
  forecast: number | null;
  status: string;
}

export interface ExceptionsTable {
  id: string;
  fingerprint: string;
  source: string;
  alertname: string;
  severity: string;
  labels: string;
  summary: string;
  details: string;
  state: string;
  opened_at: string;
  last_seen_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
  receivers: string;
  routes: string;
  group_key: string;
  escalations: string;
  silenced_by: string | null;
  next_escalation_at: string | null;
  version: number;
}

export interface SilencesTable {
  id: string;
  matchers: string;
  starts_at: string;
  ends_at: string;
  created_by: string;
  comment: string;
  created_at: string;
  expired_at: string | null;
}

export interface NotificationsTable {
  id: string;
  actor_id: string;
  exception_id: string;
  receiver: string;
  reason: string;
  step: number;
  summary: string;
  created_at: string;
  read_at: string | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  exception_id: string;
  receiver: string;
  url: string;
  format: string;
  secret_env: string;
  event: string;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface MetricSeriesTable {
  key: string;
  name: string;
  kind: string;
  labels: string;
  origin: string;
  points: number;
  last_value: number;
  last_at: string;
  last_score: number;
  quiet_points: number;
  detector: string;
  created_at: string;
  updated_at: string;
}

export interface HaltsTable {
  id: string;
  scope_kind: string;
  scope_id: string;
  reason: string;
  halted_by: string;
  halted_at: string;
  lifted_at: string | null;
  lifted_by: string | null;
  lift_reason: string | null;
}

export interface ApprovalsTable {
  id: string;
  state: string;
  actor_id: string;
  requested_by: string;
  action: string;
  action_class: string;
  resource_type: string;
  resource_id: string;
  domain_id: string;
  arguments: string;
  arguments_hash: string;
  approved_arguments: string | null;
  approved_hash: string;
  justification: string;
  policies: string;
  approvers: string;
  revision: number;
  webhook_url: string | null;
  exception_id: string | null;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
  used_at: string | null;
  version: number;
}

/** Pauses and redirects of agents (migration 0016). */
export interface AgentControlsTable {
  id: string;
  kind: string;
  actor_id: string;
  /** A pause's action class; '' for a redirect. */
  action_class: string;
  /** A redirect's receiver; null for the queue and for a pause. */
  target: string | null;
  reason: string;
  applied_by: string;
  applied_at: string;
  lifted_at: string | null;
  lifted_by: string | null;
  lift_reason: string | null;
}

/** An agent's usage in one window (minute, day, month) of its last counted period. */
export interface AgentUsageTable {
  actor_id: string;
  usage_window: string;
  period: string;
  actions: number;
  cost: number;
}

/** A rollup label set, interned: rollup rows name it by `id`. */
export interface PerfLabelSetsTable {
  id: number;
  /** The label set as canonical JSON. */
  labels: string;
}

/** Performance rollups: one row per resolution, bucket and label set, every metric in it. */
export interface PerfRollupsTable {
  resolution: string;
  bucket: string;
  /** perf_label_sets.id */
  label_set: number;
  /** The metrics' sums as JSON (see sql-rollup-store's `RollupData`). */
  data: string;
}

export interface PerfStateTable {
  kind: string;
  id: string;
  state: string;
}

export interface PerfCheckpointTable {
  id: number;
  seq: number;
}

export interface TrustRecordsTable {
  actor_id: string;
  domain_id: string;
  class: string;
  record: string;
}

export interface TrustLevelsTable {
  actor_id: string;
  domain_id: string;
  class: string;
  level: number;
  since: string;
  changed_by: string;
  reason: string;
}

export interface TrustPromotionsTable {
  id: string;
  actor_id: string;
  domain_id: string;
  class: string;
  from_level: number;
  to_level: number;
  state: string;
  proposed_at: string;
  evidence: string;
  decided_at: string | null;
  decided_by: string | null;
  reason: string | null;
}

export interface Database {
  organization: OrganizationTable;
  events: EventsTable;
  event_chain_head: EventChainHeadTable;
  domains: DomainsTable;
  actors: ActorsTable;
  work_types: WorkTypesTable;
  work_items: WorkItemsTable;
  work_dependencies: WorkDependenciesTable;
  work_stats: WorkStatsTable;
  api_tokens: ApiTokensTable;
  exceptions: ExceptionsTable;
  silences: SilencesTable;
  notifications: NotificationsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  metric_series: MetricSeriesTable;
  halts: HaltsTable;
  approvals: ApprovalsTable;
  agent_controls: AgentControlsTable;
  agent_usage: AgentUsageTable;
  perf_label_sets: PerfLabelSetsTable;
  perf_rollups: PerfRollupsTable;
  perf_state: PerfStateTable;
  perf_checkpoint: PerfCheckpointTable;
  key_result_snapshots: KeyResultSnapshotsTable;
  trust_records: TrustRecordsTable;
  trust_levels: TrustLevelsTable;
  trust_promotions: TrustPromotionsTable;
  trust_state: PerfStateTable;
  trust_checkpoint: PerfCheckpointTable;
}
