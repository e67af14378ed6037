import type { Domain, WorkType } from '../model.js';

export interface DomainReader {
  get(id: string): Promise<Domain | null>;
  list(): Promise<Domain[]>;
}

export interface DomainStore extends DomainReader {
  upsert(domain: Domain): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface WorkTypeReader {
  get(id: string): Promise<WorkType | null>;
  list(): Promise<WorkType[]>;
}

export interface WorkTypeStore extends WorkTypeReader {
  upsert(workType: WorkType): Promise<void>;
  remove(id: string): Promise<void>;
}
