// Shared by the pipeline (at synth) and the orphan script (in the pipeline's jobs): no imports.

/**
 * What the pipeline does with the stacks an environment deployed earlier that the app no longer has:
 * - DELETE: deletes them after the deploy (tiers whose data is throwaway);
 * - LIST: lists them for the stage's approval, before it (nothing is deleted);
 * - APPROVED: after that approval, deletes the ones it listed (and only those);
 * - REPORT: lists them after the deploy, deletes nothing (no approval covers a deletion).
 */
export enum OrphanMode {
  DELETE = 'delete',
  LIST = 'list',
  APPROVED = 'approved',
  REPORT = 'report',
}
