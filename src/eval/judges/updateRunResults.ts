/**
 * Rewrites a finished run's results.json after a later analysis (clinician review, paired comparison) added to
 * its "details", and re-renders its report.html from the updated results and the run's samples files. Both
 * writes are atomic; a run without results.json is left alone (returns false).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";
import { renderReport } from "../report/renderReport.js";
import type { ResultsJson, SampleRecord } from "../run/ResultsJson.js";

export function updateRunResults(runDir: string, task: string, update: (details: Record<string, unknown>) => void): boolean {
    const path = join(runDir, "results.json");
    if (!existsSync(path)) {
        return false;
    }
    const run = JSON.parse(readFileSync(path, "utf8")) as ResultsJson;
    update((run.details ??= {})[task] ??= {});
    atomicWriteFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
    if (existsSync(join(runDir, "report.html"))) {
        const samples = new Map(Object.keys(run.results).map((name) => {
            const file = join(runDir, `samples_${name}.jsonl`);
            const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "") : [];
            return [name, lines.map((l) => JSON.parse(l) as SampleRecord)] as const;
        }));
        atomicWriteFileSync(join(runDir, "report.html"), renderReport({ results: run, samples }));
    }
    return true;
}
