/**
 * Puts a review's results into each reviewed run: results.json "details".<task>.clinicians (this arm's curves
 * per reviewer and the consensus, plus the pack's agreement statistics) and a re-rendered report.html, so the
 * report shows clinician top-K beside the automatic judges. Runs are rewritten atomically.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { atomicWriteFileSync } from "../../../util/atomicWrite.js";
import { renderReport } from "../../report/renderReport.js";
import type { ResultsJson, SampleRecord } from "../../run/ResultsJson.js";
import type { ReviewResults } from "./reviewStats.js";

export function writeClinicianResults(results: ReviewResults): void {
    for (const arm of results.arms) {
        const path = join(arm.runDir, "results.json");
        if (!existsSync(path)) {
            continue;
        }
        const run = JSON.parse(readFileSync(path, "utf8")) as ResultsJson;
        const details = ((run.details ??= {})[arm.task] ??= {});
        details.clinicians = { pack: results.packId, reviewers: results.reviewers, curves: arm.clinicians, consensus: arm.consensus,
            agreement: results.agreement, fleiss: results.fleiss };
        atomicWriteFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
        if (existsSync(join(arm.runDir, "report.html"))) {
            const samples = new Map(Object.keys(run.results).map((task) => {
                const file = join(arm.runDir, `samples_${task}.jsonl`);
                const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "") : [];
                return [task, lines.map((l) => JSON.parse(l) as SampleRecord)] as const;
            }));
            atomicWriteFileSync(join(arm.runDir, "report.html"), renderReport({ results: run, samples }));
        }
    }
}
