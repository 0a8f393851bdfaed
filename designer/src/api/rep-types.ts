// Shapes of the rep API that pure code (SLA, layouts) reads; no browser globals here, so unit tests
// in Node import them too.

/** One entry of a record's flow timeline. */
export interface TimelineEntry {
  readonly id: string;
  readonly kind: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly at: string;
}
