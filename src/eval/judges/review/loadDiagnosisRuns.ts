/**
 * Reads what the review pack, the review import and the paired comparison need from finished diagnosis runs:
 * each run directory's model (run.json), its diagnosis samples (samples_diagnosis*.jsonl, one arm per task found)
 * and the cases it was run on (the run's recorded cases file, else the shipped synthetic set), for presentation,
 * gold and synonyms. Typed errors name the directory and what is missing, never case text.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, FormatError } from "../../../errors/MellamaError.js";
import type { SampleRecord } from "../../run/ResultsJson.js";
import type { DiagnosisCase } from "../../tasks/diagnosis/DiagnosisCase.js";
import { SYNTHETIC_CASES } from "../../tasks/diagnosis/diagnosis.js";
import { readCases } from "../../tasks/diagnosis/readCases.js";
import { CASE_TASK_NAMES } from "../../tasks/registry.js";

export interface DiagnosisArm {
    runDir: string;
    task: string;
    model: string;
    samples: SampleRecord[];
    cases: Map<string, DiagnosisCase>;
    /** The clinicians' consensus from an imported review (results.json details), when there is one. */
    clinicians?: { pack: string; consensusRanks: Record<string, number> };
}

export function loadDiagnosisRuns(runDirs: readonly string[]): DiagnosisArm[] {
    const arms: DiagnosisArm[] = [];
    for (const given of runDirs) {
        const runDir = resolve(given);
        let run: { model?: string; task_paths?: Record<string, string> };
        try {
            run = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8")) as typeof run;
        } catch {
            throw new ConfigError("RUN", `${given} is not a run directory (no readable run.json)`);
        }
        const tasks = CASE_TASK_NAMES.filter((t) => existsSync(join(runDir, `samples_${t}.jsonl`)));
        if (tasks.length === 0) {
            throw new ConfigError("RUN", `${given} has no diagnosis samples (samples_diagnosis.jsonl); run mellama eval --tasks diagnosis first`);
        }
        for (const task of tasks) {
            const file = join(runDir, `samples_${task}.jsonl`);
            const samples = readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l, i) => {
                try {
                    return JSON.parse(l) as SampleRecord;
                } catch {
                    throw new FormatError(file, `line ${i + 1}`, "not valid JSON");
                }
            });
            const casesFile = run.task_paths?.[task] ?? SYNTHETIC_CASES;
            const cases = new Map(readCases(casesFile, () => undefined).map((c) => [c.id, c]));
            arms.push({ runDir, task, model: run.model ?? runDir, samples, cases, clinicians: readConsensus(runDir, task) });
        }
    }
    return arms;
}

function readConsensus(runDir: string, task: string): DiagnosisArm["clinicians"] {
    try {
        const results = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8")) as
            { details?: Record<string, { clinicians?: { pack?: string; consensus_ranks?: Record<string, number> } }> };
        const c = results.details?.[task]?.clinicians;
        return c?.pack !== undefined && c.consensus_ranks !== undefined ? { pack: c.pack, consensusRanks: c.consensus_ranks } : undefined;
    } catch {
        return undefined; // no results.json yet (an interrupted run): no review to read
    }
}
