/**
 * Request construction, exactly as Me-LLaMA's harness (lm-evaluation-harness 0.3, src/evaluator.py) does it:
 * - order: the task's test docs shuffled with CPython's `random.Random(42).shuffle` (PyRandom, bit-identical), then
 *   `--limit N` keeps the first N. The shuffle changes only which docs a limit keeps and the order of samples.
 * - few-shot: the SAME generator, continuing after the shuffle, draws for each evaluated doc in order
 *   `rnd.sample(test_docs, K + 1)` from the unshuffled test docs, drops the target and keeps the first K
 *   (lm-eval's fewshot_context for tasks without training docs; Me-LLaMA's Hub datasets have only a test split).
 *   Each example is `query + answer` (doc_to_text + doc_to_target), examples joined by "\n\n" and followed by
 *   "\n\n", then the target's query. --limit keeps a prefix of that walk, so a doc gets the same examples with or
 *   without a limit. (NER's doc_to_target adds "\nAnswer: "; here every task uses the bare answer.)
 * - the model_prompt wrapper `Human: \n{ctx}\n\nAssistant: \n` (mellama_prompt), applied last.
 */
import type { Doc } from "../api/Task.js";
import { PyRandom } from "./PyRandom.js";

export type ModelPrompt = "no_prompt" | "mellama_prompt";

export const SHUFFLE_SEED = 42;

/** The docs in evaluation order, limited. */
export function orderDocs(docs: readonly Doc[], limit?: number): Doc[] {
    const ordered = new PyRandom(SHUFFLE_SEED).shuffle([...docs]);
    return limit === undefined ? ordered : ordered.slice(0, Math.max(0, limit));
}

export function wrapPrompt(context: string, modelPrompt: ModelPrompt): string {
    return modelPrompt === "mellama_prompt" ? `Human: \n${context}\n\nAssistant: \n` : context;
}

/**
 * One prompt per ordered doc. `ordered` must be a prefix of orderDocs(pool) (what runTask passes); `pool` is the
 * task's full test-doc list in loader order, the population few-shot examples are drawn from.
 */
export function buildPrompts(ordered: readonly Doc[], pool: readonly Doc[], numFewshot: number, modelPrompt: ModelPrompt): string[] {
    const rng = new PyRandom(SHUFFLE_SEED);
    if (numFewshot > 0) {
        rng.shuffle([...pool]); // advance the generator past the shuffle, as lm-eval reuses it
    }
    return ordered.map((doc) => {
        let context = doc.query;
        if (numFewshot > 0) {
            const drawn = rng.sample(pool, Math.min(numFewshot + 1, pool.length));
            const shots = drawn.filter((x) => x.id !== doc.id).slice(0, numFewshot);
            context = `${shots.map((x) => `${x.query}${x.answer}`).join("\n\n")}\n\n${doc.query}`;
        }
        return wrapPrompt(context, modelPrompt);
    });
}
