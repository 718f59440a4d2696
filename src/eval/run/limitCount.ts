/**
 * How many documents `--limit` keeps of a task with `total` documents, as lm-evaluation-harness 0.4 does
 * (evaluator_utils.get_sample_size): a limit below 1.0 is a fraction of that task's documents rounded up,
 * `ceil(total * limit)` in double precision (so 100 × 0.07 keeps 8, as Python does), never more than `total`;
 * a limit of 1 or more is a count.
 *
 * Me-LLaMA's own evaluator.py (the lm-eval 0.3 line) differs: `int(len(docs) * limit)` rounds down, and the
 * result is assigned back to `limit`, so with several tasks only the first gets the fraction and every later task
 * gets the first one's count. mellama applies the fraction to every task; to reproduce a paper run's subset of
 * one task, give its count (`--limit 50` is `--limit 0.1` of PubMedQA's 500 in both harnesses).
 */
export function limitCount(total: number, limit: number | undefined): number {
    if (limit === undefined) {
        return total;
    }
    return Math.min(total, limit < 1 ? Math.ceil(total * limit) : Math.trunc(limit));
}
