/**
 * A judge backend for tests and the demo, no model involved (`--judge judge-oracle`): it reads the diagnosis
 * rubric's prompt back and grades each candidate by normalised matching — "exact" when it matches the final
 * diagnosis, "equivalent" when it matches an accepted synonym, "related" when it shares a content word of four
 * letters or more with the gold, else "wrong" — and replies in the rubric's JSON. Deterministic, so judged runs
 * are reproducible in tests. It grades nothing a real judge would need a model for; not for studies.
 */
import type { LM } from "../api/LM.js";
import { readJudgePrompt } from "../tasks/diagnosis/judgeRubric.js";
import { acceptedKeys, diagnosisTokens, matchesGold } from "../tasks/diagnosis/normalizeDiagnosis.js";
import { lmFromGenerator } from "./lmFromGenerator.js";

export function judgeOracleReply(prompt: string): string {
    const input = readJudgePrompt(prompt);
    if (input === null) {
        throw new Error("judge-oracle: the prompt is not a diagnosis rubric prompt");
    }
    const goldKeys = acceptedKeys(input.gold, []);
    const synonymKeys = acceptedKeys(input.gold, input.synonyms);
    const goldWords = new Set(diagnosisTokens(input.gold).filter((t) => t.length >= 4));
    const verdicts = input.candidates.map((c, i) => ({
        rank: i + 1,
        verdict: matchesGold(c, goldKeys) ? "exact" : matchesGold(c, synonymKeys) ? "equivalent"
            : diagnosisTokens(c).some((t) => goldWords.has(t)) ? "related" : "wrong",
    }));
    return JSON.stringify({ verdicts });
}

export function createJudgeOracleLM(): LM {
    return lmFromGenerator("judge-oracle", (prompt) => Promise.resolve(judgeOracleReply(prompt)));
}
