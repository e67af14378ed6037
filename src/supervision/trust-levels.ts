import type { TrustKey } from '../core/events.js';
import type { TrustConfig, TrustLevel } from '../core/trust.js';
import { trustKeyOf } from './trust-record.js';

/** The levels in force for some actors: those set by a change, else the file's initial ones. */
export class TrustLevels {
  readonly #set: Map<string, TrustLevel>;

  constructor(
    levels: readonly TrustLevel[],
    private readonly config: Pick<TrustConfig, 'initial'>,
  ) {
    this.#set = new Map(levels.map((l) => [trustKeyOf(l), l]));
  }

  /** The level of one actor in one domain and class. */
  levelOf(key: TrustKey): number {
    return (
      this.#set.get(trustKeyOf(key))?.level ?? this.config.initial[key.actorId]?.[key.class] ?? 0
    );
  }

  /** The change that set it, or null while the initial level holds. */
  changeOf(key: TrustKey): TrustLevel | null {
    return this.#set.get(trustKeyOf(key)) ?? null;
  }

  /** An actor's level in each class, in one domain: what `principal.trust` holds in Cedar. */
  classLevels(
    actorId: string,
    domainId: string,
    classes: readonly string[],
  ): Record<string, number> {
    return Object.fromEntries(
      classes.map((c) => [c, this.levelOf({ actorId, domainId, class: c })]),
    );
  }
}
