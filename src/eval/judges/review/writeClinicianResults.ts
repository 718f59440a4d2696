/**
 * Puts a review's results into each reviewed run: results.json "details".<task>.clinicians (this arm's curves
 * per reviewer and the consensus, plus the pack's agreement statistics) and a re-rendered report.html, so the
 * report shows clinician top-K beside the automatic judges.
 */
import { updateRunResults } from "../updateRunResults.js";
import type { ReviewResults } from "./reviewStats.js";

export function writeClinicianResults(results: ReviewResults): void {
    for (const arm of results.arms) {
        updateRunResults(arm.runDir, arm.task, (details) => {
            details.clinicians = { pack: results.packId, reviewers: results.reviewers, curves: arm.clinicians, consensus: arm.consensus,
                consensus_ranks: arm.consensusRanks, agreement: results.agreement, fleiss: results.fleiss };
        });
    }
}
