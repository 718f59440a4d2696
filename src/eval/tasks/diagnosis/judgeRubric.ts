/**
 * The LLM judge's rubric (JUDGE_RUBRIC_VERSION; bump it when the text or the reading changes, which also changes
 * every judge cache key): the judge sees the gold final diagnosis, its accepted synonyms and the model's ranked
 * candidates — never the case presentation — and returns one verdict per candidate as JSON. A reply that cannot
 * be read is retried with a reminder (a different prompt, so a different cache entry); after the last attempt
 * the sample is "unjudged", counted apart and never as right or wrong.
 * A candidate counts as correct for top-K when its verdict is exact or equivalent.
 */
export const JUDGE_RUBRIC_VERSION = 1;
export const JUDGE_MAX_ATTEMPTS = 3;
export const VERDICTS = ["exact", "equivalent", "related", "wrong"] as const;
export type Verdict = (typeof VERDICTS)[number];

export function isCorrectVerdict(v: string): boolean {
    return v === "exact" || v === "equivalent";
}

export interface JudgeInput {
    gold: string;
    synonyms: readonly string[];
    candidates: readonly string[];
}

export function judgePrompt({ gold, synonyms, candidates }: JudgeInput, attempt: number): string {
    const list = candidates.map((c, i) => `${i + 1}. ${c.replace(/\s+/g, " ")}`).join("\n");
    const base = `You are grading a ranked differential diagnosis against the confirmed final diagnosis of a clinical case (rubric v${JUDGE_RUBRIC_VERSION}).\n\n`
        + `Final diagnosis: ${gold}\nAlso accepted as the same diagnosis: ${synonyms.length === 0 ? "none" : synonyms.join("; ")}\n\n`
        + `Candidate diagnoses, in the model's ranked order:\n${list}\n\n`
        + "Give each candidate exactly one verdict:\n"
        + "- \"exact\": it names the final diagnosis or an accepted synonym;\n"
        + "- \"equivalent\": different wording that a clinician would accept as the same diagnosis, at least as specific;\n"
        + "- \"related\": a different but related diagnosis (a broader category, a cause or complication, the same disease family);\n"
        + "- \"wrong\": anything else.\n\n"
        + `Reply with JSON only, one entry per candidate in the same order (${candidates.length} entries):\n`
        + "{\"verdicts\": [{\"rank\": 1, \"verdict\": \"exact\"}, {\"rank\": 2, \"verdict\": \"wrong\"}]}\n";
    return attempt <= 1 ? base
        : `${base}\nYour previous reply could not be read as that JSON (attempt ${attempt} of ${JUDGE_MAX_ATTEMPTS}). Reply with the JSON object only.\n`;
}

function verdictOf(text: unknown): Verdict | null {
    if (typeof text !== "string") {
        return null;
    }
    const t = text.trim().toLowerCase().replace(/^clinically\s+/, "");
    return (VERDICTS as readonly string[]).includes(t) ? t as Verdict : null;
}

/** One verdict per candidate, or null when the reply does not give exactly that. */
export function parseVerdicts(reply: string, n: number): Verdict[] | null {
    const start = reply.indexOf("{");
    const end = reply.lastIndexOf("}");
    if (start >= 0 && end > start) {
        try {
            const value = JSON.parse(reply.slice(start, end + 1)) as { verdicts?: unknown };
            if (Array.isArray(value.verdicts)) {
                const entries = value.verdicts.map((e: unknown, i: number) => (typeof e === "object" && e !== null
                    ? { rank: Number((e as { rank?: unknown }).rank ?? i + 1), verdict: verdictOf((e as { verdict?: unknown }).verdict) }
                    : { rank: i + 1, verdict: verdictOf(e) }));
                const out: (Verdict | null)[] = Array.from({ length: n }, () => null);
                for (const e of entries) {
                    if (Number.isInteger(e.rank) && e.rank >= 1 && e.rank <= n && out[e.rank - 1] === null) {
                        out[e.rank - 1] = e.verdict;
                    }
                }
                return entries.length === n && out.every((v) => v !== null) ? out as Verdict[] : null;
            }
        } catch {
            // Not JSON: try the line form below.
        }
    }
    const out: (Verdict | null)[] = Array.from({ length: n }, () => null);
    for (const m of reply.matchAll(/^\s*(\d{1,2})\s*[.):-]?\s*(?:[^\n:]*:\s*)?(exact|clinically equivalent|equivalent|related|wrong)\b/gim)) {
        const rank = Number(m[1]);
        if (rank >= 1 && rank <= n && out[rank - 1] === null) {
            out[rank - 1] = verdictOf(m[2]);
        }
    }
    return n > 0 && out.every((v) => v !== null) ? out as Verdict[] : null;
}

/** Reads a judge prompt back (the judge-oracle test backend does): the gold, synonyms and candidates. */
export function readJudgePrompt(prompt: string): JudgeInput | null {
    const gold = /^Final diagnosis: (.*)$/m.exec(prompt)?.[1];
    const syn = /^Also accepted as the same diagnosis: (.*)$/m.exec(prompt)?.[1];
    const block = /Candidate diagnoses, in the model's ranked order:\n([\s\S]*?)\n\n/.exec(prompt)?.[1];
    if (gold === undefined || syn === undefined || block === undefined) {
        return null;
    }
    return { gold, synonyms: syn === "none" ? [] : syn.split("; "), candidates: block.split("\n").map((l) => l.replace(/^\d+\. /, "")) };
}
