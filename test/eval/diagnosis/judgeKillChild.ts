/**
 * Child process of judgeKill.test.ts: evaluates the synthetic cases with a scripted model (a differential that
 * holds the gold at a case-dependent rank) and a slow judge-oracle, into a given run directory and cache.
 * Usage: judgeKillChild.ts RUN_DIR CACHE CASES DELAY_MS
 */
import { judgeOracleReply } from "../../../src/eval/backends/createJudgeOracleLM.js";
import { lmFromGenerator } from "../../../src/eval/backends/lmFromGenerator.js";
import type { LM } from "../../../src/eval/api/LM.js";
import { evaluate } from "../../../src/eval/run/evaluate.js";
import { SYNTHETIC_CASES } from "../../../src/eval/tasks/diagnosis/diagnosis.js";
import { readCases } from "../../../src/eval/tasks/diagnosis/readCases.js";

export const FILLERS = ["Sarcoidosis", "Lymphoma", "Viral infection", "Drug reaction", "Vasculitis"];

/** A differential with the gold at rank (case number mod 6) + 1, or missing when that is 6. */
export function scriptedModel(onCall?: () => void): LM {
    const gold = new Map(readCases(SYNTHETIC_CASES, () => undefined).map((c) => [c.id, c.synonyms[0] ?? c.diagnosis]));
    return lmFromGenerator("scripted-differential", (_prompt, { docId }) => {
        onCall?.();
        const id = docId!.split("/")[1]!;
        const n = Number(id.split("-").pop());
        const list = [...FILLERS];
        if (n % 6 !== 5) {
            list.splice(n % 6, 0, gold.get(id) ?? "unknown");
        }
        return Promise.resolve(list.map((d, i) => `${i + 1}. ${d}`).join("\n"));
    });
}

export function slowJudge(delayMs: number, onCall?: () => void): LM {
    return lmFromGenerator("slow-judge", async (prompt) => {
        onCall?.();
        await new Promise((r) => setTimeout(r, delayMs));
        return judgeOracleReply(prompt);
    });
}

export async function runJudged(runDir: string, cachePath: string, cases: string, model: LM, judge: LM): Promise<void> {
    await evaluate({ lm: model, judge, tasks: ["diagnosis"], outputDir: runDir, runDir, cachePath, taskPaths: { diagnosis: cases },
        progress: false, report: false });
}

if (process.argv[1]?.endsWith("judgeKillChild.ts")) {
    const [runDir, cachePath, cases, delay] = process.argv.slice(2);
    await runJudged(runDir!, cachePath!, cases!, scriptedModel(), slowJudge(Number(delay)));
}
