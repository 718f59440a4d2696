/**
 * Request construction, exactly as Me-LLaMA's harness (lm-evaluation-harness 0.3, src/evaluator.py) does it:
 * - order: the task's test docs shuffled with CPython's `random.Random(42).shuffle` (PyRandom, bit-identical), then
 *   `--limit N` keeps the first N. The shuffle changes only which docs a limit keeps and the order of samples.
 * - few-shot: the SAME generator, continuing after the shuffle, draws for each evaluated doc in order
 *   `rnd.sample(training_docs, K)` from the task's train split (lm-eval's fewshot_context for a task with
 *   training docs, as the paper's harness ran). Without a train split (a caller's choice; evaluate() refuses
 *   few-shot for such tasks) it draws `rnd.sample(test_docs, K + 1)` from the unshuffled test docs, drops the
 *   target and keeps the first K (lm-eval's rule for tasks with only a test split).
 *   Each example is `query + target` (doc_to_text + doc_to_target), examples joined by "\n\n" and followed by
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
export interface FewshotSource {
    /** The train split examples are drawn from; absent: the test pool (lm-eval's rule without training docs). */
    train?: readonly Doc[];
    /** doc_to_target of an example (default its answer; multiple choice: " " + the gold choice). */
    target?: (doc: Doc) => string;
}

export function buildPrompts(ordered: readonly Doc[], pool: readonly Doc[], numFewshot: number, modelPrompt: ModelPrompt,
    fewshot: FewshotSource = {}): string[] {
    const rng = new PyRandom(SHUFFLE_SEED);
    if (numFewshot > 0) {
        rng.shuffle([...pool]); // advance the generator past the shuffle, as lm-eval reuses it
    }
    const target = fewshot.target ?? ((x: Doc) => x.answer);
    return ordered.map((doc) => {
        let context = doc.query;
        if (numFewshot > 0) {
            const shots = fewshot.train !== undefined
                ? rng.sample(fewshot.train, Math.min(numFewshot, fewshot.train.length))
                : rng.sample(pool, Math.min(numFewshot + 1, pool.length)).filter((x) => x.id !== doc.id).slice(0, numFewshot);
            context = `${shots.map((x) => `${x.query}${target(x)}`).join("\n\n")}\n\n${doc.query}`;
        }
        return wrapPrompt(context, modelPrompt);
    });
}
