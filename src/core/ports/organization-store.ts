import type { RoutingConfig } from '../route-config.js';

/** The organization record: its name and which revision of its configuration is applied. */
export interface Organization {
  name: string;
  description: string;
  revision: number;
  appliedAt: string;
  appliedBy: string;
  /** Exception routing as the applied file wrote it; absent when it had none. */
  routing?: RoutingConfig;
}

export interface OrganizationReader {
  get(): Promise<Organization | null>;
}

export interface OrganizationStore extends OrganizationReader {
  set(organization: Organization): Promise<void>;
}
