import type { Objective } from '../objective-config.js';
import type { AuthorityConfig } from '../authority-config.js';
import type { Budget } from '../budget-config.js';
import type { RoutingConfig } from '../route-config.js';
import type { SloDefinition } from '../slo-config.js';

/** The organization record: its name and which revision of its configuration is applied. */
export interface Organization {
  name: string;
  description: string;
  revision: number;
  appliedAt: string;
  appliedBy: string;
  /** Exception routing as the applied file wrote it; absent when it had none. */
  routing?: RoutingConfig;
  /** Service level objectives as applied; absent when the file had none. */
  slos?: SloDefinition[];
  /** Objectives and key results as applied; absent when the file had none. */
  objectives?: Objective[];
  /** Custom actions and authority policies as applied; absent when the file had none. */
  authority?: AuthorityConfig;
  /** Budgets and rate limits per agent as applied; absent when the file had none. */
  budgets?: Budget[];
}

export interface OrganizationReader {
  get(): Promise<Organization | null>;
  /**
   * The revision in force (0 before any apply): one small read, so what is derived from a
   * revision (the compiled authority policies) is rebuilt only when it changes.
   */
  revision(): Promise<number>;
}

export interface OrganizationStore extends OrganizationReader {
  set(organization: Organization): Promise<void>;
}
