/**
 * `mellama diagnosis compare RUN_A RUN_B`: a paired comparison of two models on the cases both answered, per
 * judge (normalised match; the LLM judge on cases both runs had judged; the clinicians' consensus on cases it
 * covers in both, when both runs were reviewed in the same pack) and per K: each model's top-K accuracy, the
 * difference A − B with a paired percentile bootstrap 95 % CI (the same resampled cases for both), and McNemar's
 * test (exact and continuity-corrected chi-square p-values). Writes diagnosis_comparison.json and a page with
 * both accuracy curves and their CI bands, and records the comparison in both runs (results.json
 * "details".<task>.comparisons, keyed by the other run's directory) and their reports.
 */
import { join, resolve } from "node:path";
import { ConfigError } from "../../errors/MellamaError.js";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";
import { bootstrapCI } from "../metrics/bootstrapCI.js";
import type { McNemarResult } from "../metrics/mcnemar.js";
import { mcnemar } from "../metrics/mcnemar.js";
import { renderDiagnosisComparison } from "../report/renderDiagnosisComparison.js";
import { updateRunResults } from "./updateRunResults.js";
import type { AccuracyCurve } from "../tasks/diagnosis/diagnosisMetrics.js";
import { accuracyCurve, topKAccuracy } from "../tasks/diagnosis/diagnosisMetrics.js";
import { DIFFERENTIAL_SIZE } from "../tasks/diagnosis/diagnosisPrompt.js";
import type { DiagnosisArm } from "./review/loadDiagnosisRuns.js";
import { loadDiagnosisRuns } from "./review/loadDiagnosisRuns.js";

export interface PairedRow {
    k: number;
    accuracyA: number;
    accuracyB: number;
    difference: number;
    differenceLow: number;
    differenceHigh: number;
    mcnemar: McNemarResult;
}

export interface JudgeComparison {
    judge: "match" | "llm" | "clinicians";
    cases: number;
    curveA: AccuracyCurve;
    curveB: AccuracyCurve;
    rows: PairedRow[];
}

export interface DiagnosisComparison {
    a: { model: string; runDir: string; task: string };
    b: { model: string; runDir: string; task: string };
    judges: JudgeComparison[];
}

function ranks(arm: DiagnosisArm, judge: "match" | "llm" | "clinicians"): Map<string, number> {
    if (judge === "clinicians") {
        return new Map(Object.entries(arm.clinicians?.consensusRanks ?? {}));
    }
    const out = new Map<string, number>();
    for (const s of arm.samples) {
        if (s.error !== null) {
            continue;
        }
        if (judge === "match") {
            out.set(s.doc_id, s.scores.match_rank ?? 0);
        } else if (s.scores.llm_unjudged === 0) {
            out.set(s.doc_id, s.scores.llm_rank ?? 0);
        }
    }
    return out;
}

export function compareArms(armA: DiagnosisArm, armB: DiagnosisArm): DiagnosisComparison {
    const K = DIFFERENTIAL_SIZE;
    const judges: JudgeComparison[] = [];
    const samePack = armA.clinicians !== undefined && armA.clinicians.pack === armB.clinicians?.pack;
    for (const judge of samePack ? ["match", "llm", "clinicians"] as const : ["match", "llm"] as const) {
        const ra = ranks(armA, judge);
        const rb = ranks(armB, judge);
        const ids = [...ra.keys()].filter((id) => rb.has(id)).sort();
        if (ids.length === 0) {
            continue;
        }
        const a = ids.map((id) => ra.get(id)!);
        const b = ids.map((id) => rb.get(id)!);
        const cis = bootstrapCI(ids.length, (idx) => {
            const ta = topKAccuracy(a, K, idx);
            const tb = topKAccuracy(b, K, idx);
            return ta.map((v, k) => v - tb[k]!);
        });
        const accA = topKAccuracy(a, K);
        const accB = topKAccuracy(b, K);
        judges.push({ judge, cases: ids.length, curveA: accuracyCurve(a, K), curveB: accuracyCurve(b, K),
            rows: Array.from({ length: K }, (_, i) => ({
                k: i + 1, accuracyA: accA[i]!, accuracyB: accB[i]!, difference: accA[i]! - accB[i]!,
                differenceLow: cis[i]!.low, differenceHigh: cis[i]!.high,
                mcnemar: mcnemar(a.map((r) => r > 0 && r <= i + 1), b.map((r) => r > 0 && r <= i + 1)),
            })) });
    }
    return { a: { model: armA.model, runDir: armA.runDir, task: armA.task }, b: { model: armB.model, runDir: armB.runDir, task: armB.task }, judges };
}

export interface CompareOptions {
    runA: string;
    runB: string;
    /** Where the JSON and the page go (default: the current directory). */
    out?: string;
}

export function compareDiagnosisRuns({ runA, runB, out = "." }: CompareOptions): { json: string; page: string; comparison: DiagnosisComparison } {
    const [armA] = loadDiagnosisRuns([runA]);
    const [armB] = loadDiagnosisRuns([runB]);
    if (armA === undefined || armB === undefined) {
        throw new ConfigError("RUN", "both runs need diagnosis samples");
    }
    const comparison = compareArms(armA, armB);
    if (comparison.judges.length === 0) {
        throw new ConfigError("RUN", "the two runs share no answered case (were they run on the same cases file?)");
    }
    const json = join(resolve(out), "diagnosis_comparison.json");
    const page = join(resolve(out), "diagnosis_comparison.html");
    atomicWriteFileSync(json, `${JSON.stringify(comparison, null, 2)}\n`);
    atomicWriteFileSync(page, renderDiagnosisComparison(comparison));
    const record = (self: DiagnosisArm, other: DiagnosisArm, side: "a" | "b"): void => {
        updateRunResults(self.runDir, self.task, (details) => {
            const list = (Array.isArray(details.comparisons) ? details.comparisons : []) as { other: string }[];
            const entry = { other: other.runDir, other_model: other.model, other_task: other.task, this_is: side, judges: comparison.judges.map((j) => ({
                judge: j.judge, cases: j.cases, rows: j.rows })) };
            details.comparisons = [...list.filter((x) => x.other !== other.runDir), entry];
        });
    };
    record(armA, armB, "a");
    if (armB.runDir !== armA.runDir || armB.task !== armA.task) {
        record(armB, armA, "b");
    }
    return { json, page, comparison };
}
