/**
 * Request construction, as Me-LLaMA's harness (lm-evaluation-harness 0.3) does it:
 * - order: the task's test docs shuffled with CPython's `random.Random(42).shuffle` (PyRandom, bit-identical), then
 *   `--limit N` keeps the first N. The shuffle changes only which docs a limit keeps and the order of samples;
 *   every doc's prompt and score are independent of it.
 * - context: few-shot examples, then the doc's query (which already holds the filled prompt). Each example is
 *   `query + answer`, examples joined by "\n\n" and followed by "\n\n" (lm-eval's fewshot_context). Examples are
 *   K distinct docs of the same task other than the target (Me-LLaMA tasks have only test docs), drawn with
 *   PyRandom(1234) walking the shuffled order; this draw is ours (lm-eval uses `rnd.sample`). It is deterministic,
 *   and --limit keeps a prefix of that walk, so a doc gets the same examples with or without a limit.
 * - the model_prompt wrapper `Human: \n{ctx}\n\nAssistant: \n` (mellama_prompt), applied last.
 */
import type { Doc } from "../api/Task.js";
import { PyRandom } from "./PyRandom.js";

export type ModelPrompt = "no_prompt" | "mellama_prompt";

export const SHUFFLE_SEED = 42;
export const FEWSHOT_SEED = 1234;

/** The docs in evaluation order, limited. */
export function orderDocs(docs: readonly Doc[], limit?: number): Doc[] {
    const ordered = new PyRandom(SHUFFLE_SEED).shuffle([...docs]);
    return limit === undefined ? ordered : ordered.slice(0, Math.max(0, limit));
}

export function wrapPrompt(context: string, modelPrompt: ModelPrompt): string {
    return modelPrompt === "mellama_prompt" ? `Human: \n${context}\n\nAssistant: \n` : context;
}

/** One prompt per ordered doc; `pool` is the task's full doc list the few-shot examples come from. */
export function buildPrompts(ordered: readonly Doc[], pool: readonly Doc[], numFewshot: number, modelPrompt: ModelPrompt): string[] {
    const rng = new PyRandom(FEWSHOT_SEED);
    const k = Math.min(numFewshot, Math.max(0, pool.length - 1));
    return ordered.map((doc) => {
        let context = doc.query;
        if (k > 0) {
            const chosen = new Set<number>();
            while (chosen.size < k) {
                const i = rng.randbelow(pool.length);
                if (pool[i]!.id !== doc.id) {
                    chosen.add(i);
                }
            }
            const shots = [...chosen].map((i) => `${pool[i]!.query}${pool[i]!.answer}`);
            context = `${shots.join("\n\n")}\n\n${doc.query}`;
        }
        return wrapPrompt(context, modelPrompt);
    });
}
