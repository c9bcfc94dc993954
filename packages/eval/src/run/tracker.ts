/**
 * The tracker `runLasot` drives: the one sequence-tracker contract of bench (`SequenceTracker`, `TrackerFrame`,
 * `TrackerOutput`), re-exported here for eval's API, and the factory a CLI plugs in.
 */
import type { SequenceTracker } from '@tamkit/bench';

export type { SequenceTracker, TrackerFrame, TrackerMask, TrackerOutput } from '@tamkit/bench';

/**
 * Builds the tracker of a stack from a models folder; bench's tracking loop provides one. Its boxes are LaSOT's
 * (1-based pixel coordinates): the result files are written as the tracker reports them.
 */
export type TrackerFactory = (options: {
  models: string;
  stack: string;
  /** SAMURAI's motion-aware mask and memory selection, where the tracker has them. */
  kalman?: boolean;
  threads?: number;
}) => Promise<SequenceTracker>;
