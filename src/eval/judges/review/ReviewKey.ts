/**
 * The key of a blinded clinician review pack (key.json, kept by the study lead, never sent to reviewers):
 * which run, model and case each anonymous item is, the order each reviewer sees, and the seed that shuffled
 * them. Reviewers see item ids only ("R007"), never model names.
 */
export interface ReviewItem {
    /** Anonymous id shown to reviewers. */
    item: string;
    /** Index into `arms`. */
    arm: number;
    caseId: string;
    /** The candidates as the model ranked them (what the reviewer grades). */
    candidates: string[];
}

export interface ReviewArm {
    runDir: string;
    task: string;
    model: string;
}

export interface ReviewKey {
    format: "mellama-diagnosis-review";
    version: 1;
    packId: string;
    created: string;
    seed: number;
    verdicts: readonly string[];
    arms: ReviewArm[];
    items: ReviewItem[];
    /** Cases whose differential was empty (nothing to review; they count as not found at any K). */
    emptyAnswers: { arm: number; caseId: string }[];
    reviewers: { reviewer: string; order: string[] }[];
}

export const CSV_COLUMNS = ["pack", "reviewer", "item", "rank", "candidate", "verdict", "comment"] as const;
