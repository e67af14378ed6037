/** The organization record: its name and which revision of its configuration is applied. */
export interface Organization {
  name: string;
  description: string;
  revision: number;
  appliedAt: string;
  appliedBy: string;
}

export interface OrganizationReader {
  get(): Promise<Organization | null>;
}

export interface OrganizationStore extends OrganizationReader {
  set(organization: Organization): Promise<void>;
}
