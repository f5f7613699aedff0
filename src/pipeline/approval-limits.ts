// Shared by the pipeline (at synth) and the review script (in the review job): no imports.

/** CodePipeline's limit on an approval's comment (its `CustomData`). */
export const APPROVAL_COMMENT_LIMIT = 500;

/**
 * The review's one-line summary goes into its approval's comment: it keeps to half of the comment,
 * and says where the rest is when it is cut.
 */
export const SUMMARY_LIMIT = 250;

/** The length of a review's digest in its approval's comment: a SHA-256 in hexadecimal. */
export const DIGEST_LENGTH = 64;

/** The variables a change review exports for its approval's comment: its one-line summary, and its digest. */
export const SUMMARY_VARIABLE = 'REVIEW_SUMMARY';
export const DIGEST_VARIABLE = 'REVIEW_DIGEST';

/**
 * The variable an orphan listing exports for its approval's comment: its environments' one-line
 * summaries, cut to `SUMMARY_LIMIT` like a review's.
 */
export const ORPHANS_VARIABLE = 'ORPHANS';
