/**
 * `<task>_mc`: a classification task scored lm-evaluation-harness's multiple-choice way instead of by parsing a
 * generation. The context is the task's own prompt (byte for byte, as the generative task builds it); each choice
 * is scored as the continuation target_delimiter + choice (" yes"); the prediction is the choice of highest
 * log-likelihood (acc) or of highest log-likelihood per character of the choice (acc_norm: lm-eval divides by
 * float(len(choice)), the choice without the delimiter, in code points). Ties go to the first choice (np.argmax).
 * A model that never learned the answer format still gets a graded score here, where generation scores 0.
 */
import type { Doc, MetricValue, SampleResult, Task } from "../../api/Task.js";
import { meanWithStderr } from "../../metrics/mean.js";
import { MellamaError } from "../../../errors/MellamaError.js";

/** lm-eval's default target_delimiter. */
export const TARGET_DELIMITER = " ";

/** Index of the largest value, the first on ties (np.argmax). */
function firstArgmax(values: readonly number[]): number {
    let best = 0;
    for (let i = 1; i < values.length; i++) {
        if (values[i]! > values[best]!) {
            best = i;
        }
    }
    return best;
}

/** acc and acc_norm of one document from its choices' log-likelihoods (lm-eval's process_results). */
export function multipleChoiceScores(choices: readonly string[], gold: number,
    logprobs: readonly number[]): { acc: number; acc_norm: number; pred: number; pred_norm: number } {
    const pred = firstArgmax(logprobs);
    const predNorm = firstArgmax(logprobs.map((ll, i) => ll / [...choices[i]!].length));
    return { acc: pred === gold ? 1 : 0, acc_norm: predNorm === gold ? 1 : 0, pred, pred_norm: predNorm };
}

export function multipleChoiceVariant(base: Task): Task {
    const name = `${base.name}_mc`;
    return {
        name,
        version: 1,
        description: `${base.description.split(";")[0]!.replace(/\.$/u, "")}; scored by log-likelihood of each choice (lm-eval multiple_choice): acc, acc_norm.`,
        strictDifferences: "None: multiple-choice scoring reads no generated text, so paper and strict scoring agree.",
        reportedMetrics: ["acc", "acc_norm"],
        generation: { until: [], maxTokens: 0 },
        fetchHint: base.fetchHint,
        outputType: "multiple_choice",
        loadDocs: (options) => base.loadDocs(options),
        ...(base.loadTrainDocs === undefined ? {} : { loadTrainDocs: base.loadTrainDocs }),
        choiceContinuations: (doc) => doc.choices.map((c) => `${TARGET_DELIMITER}${c}`),
        processLoglikelihoods: (doc, results): SampleResult => {
            if (typeof doc.gold !== "number" || doc.gold < 0 || doc.gold >= doc.choices.length) {
                throw new MellamaError("TASK_DOC", `${name}: doc ${doc.id} has no gold index into its ${doc.choices.length} choices`);
            }
            const s = multipleChoiceScores(doc.choices, doc.gold, results.map((r) => r.logprob));
            return { parsed: doc.choices[s.pred]!, gold: doc.choices[doc.gold]!, scores: { acc: s.acc, acc_norm: s.acc_norm } };
        },
        processResult: () => {
            throw new MellamaError("TASK_KIND", `${name} scores log-likelihoods; it has no generated output to parse`);
        },
        aggregate: (_docs, samples): Record<string, MetricValue> => ({
            acc: meanWithStderr(samples.map((s) => s.scores.acc ?? 0)),
            acc_norm: meanWithStderr(samples.map((s) => s.scores.acc_norm ?? 0)),
        }),
    };
}

/** Docs usable for multiple choice: a gold index into at least two choices. */
export function isMultipleChoiceDoc(doc: Doc): boolean {
    return typeof doc.gold === "number" && doc.choices.length >= 2 && doc.gold >= 0 && doc.gold < doc.choices.length;
}
