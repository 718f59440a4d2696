/**
 * Two judged diagnosis runs on the synthetic cases (scripted models that put the gold's first synonym at known
 * ranks) and a review pack over both, plus scripted clinician verdicts: exact for a candidate that matches the
 * gold by normalised matching (reviewer-2 says equivalent for every third such), otherwise related or wrong by a
 * reviewer-specific rule — so each reviewer's correct / not correct reading equals the match judge's, while the
 * four-way verdicts differ between reviewers.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createJudgeOracleLM } from "../../../src/eval/backends/createJudgeOracleLM.js";
import { lmFromGenerator } from "../../../src/eval/backends/lmFromGenerator.js";
import { exportReviewPack } from "../../../src/eval/judges/review/exportReviewPack.js";
import type { ReviewKey } from "../../../src/eval/judges/review/ReviewKey.js";
import { evaluate } from "../../../src/eval/run/evaluate.js";
import { SYNTHETIC_CASES } from "../../../src/eval/tasks/diagnosis/diagnosis.js";
import type { DiagnosisCase } from "../../../src/eval/tasks/diagnosis/DiagnosisCase.js";
import { acceptedKeys, matchesGold } from "../../../src/eval/tasks/diagnosis/normalizeDiagnosis.js";
import { readCases } from "../../../src/eval/tasks/diagnosis/readCases.js";

export const CASES = new Map(readCases(SYNTHETIC_CASES, () => undefined).map((c) => [c.id, c]));
const FILLERS = ["Sarcoidosis", "Lymphoma", "Viral infection, unspecified", "Drug \"reaction\""];

async function judgedRun(out: string, name: string, rankOf: (n: number) => number): Promise<string> {
    const lm = lmFromGenerator(name, (_prompt, { docId }) => {
        const id = docId!.split("/")[1]!;
        const n = Number(id.split("-").pop());
        const list = [...FILLERS];
        const r = rankOf(n);
        if (r > 0) {
            list.splice(r - 1, 0, CASES.get(id)!.synonyms[0]!);
        }
        return Promise.resolve(list.map((d, i) => `${i + 1}. ${d}`).join("\n"));
    });
    const { runDir } = await evaluate({ lm, judge: createJudgeOracleLM(), tasks: ["diagnosis"], outputDir: out, runDir: join(out, name), limit: 8,
        progress: false, modelSpec: name });
    return runDir;
}

export async function makeReviewPack(dir: string, reviewers: number): Promise<{ runs: string[]; pack: string }> {
    mkdirSync(dir, { recursive: true });
    const a = await judgedRun(dir, "model-a", (n) => (n % 4) + 1);
    const b = await judgedRun(dir, "model-b", (n) => (n % 3 === 0 ? 0 : (n % 3) + 2));
    const pack = exportReviewPack({ runs: [a, b], reviewers, out: join(dir, "pack"), seed: 7 });
    return { runs: [a, b], pack };
}

export function scriptedVerdict(reviewer: string, key: ReviewKey, item: string, rank: number): string {
    const it = key.items.find((x) => x.item === item)!;
    const c: DiagnosisCase = CASES.get(it.caseId)!;
    const match = matchesGold(it.candidates[rank - 1]!, acceptedKeys(c.diagnosis, [...c.synonyms, ...c.icd10]));
    const n = Number(item.slice(1)) + rank;
    if (match) {
        return reviewer === "reviewer-2" && n % 3 === 0 ? "equivalent" : "exact";
    }
    const r = Number(reviewer.split("-")[1]);
    return (n + r) % 3 === 0 ? "related" : "wrong";
}
