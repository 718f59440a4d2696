/**
 * How many documents `--limit` keeps of a task with `total` documents, as Me-LLaMA's own harness does
 * (its evaluator.py, the lm-eval 0.3 line): a limit below 1.0 is a fraction of the task's documents rounded down,
 * `int(len(docs) * limit)` in double precision (so 100 × 0.07 keeps 7, as Python does), but at least one
 * document of a non-empty task (an empty task is an error here, never a silent zero); a limit of 1 or more is a
 * count, never more than `total`.
 *
 * Two differences, both documented in docs/tasks/scoring.md: Me-LLaMA's evaluator assigns the first task's count
 * back to `limit`, so with several tasks every later task gets the first one's count; mellama applies the fraction
 * to each task. lm-evaluation-harness 0.4 rounds up instead (`math.ceil`, evaluator_utils.get_sample_size). To
 * reproduce a run of either harness exactly, give the count (`--limit 50` is `--limit 0.1` of PubMedQA's 500).
 */
export function limitCount(total: number, limit: number | undefined): number {
    if (limit === undefined) {
        return total;
    }
    if (limit >= 1) {
        return Math.min(total, Math.trunc(limit));
    }
    return total === 0 ? 0 : Math.max(1, Math.trunc(total * limit));
}
