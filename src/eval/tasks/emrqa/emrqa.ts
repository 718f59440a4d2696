/**
 * EmrQA: extract the answer span for a question from a clinical note. Prompt byte for byte from Me-LLaMA
 * src/preprocess_instruct.py class EmrQA (l.139), including "Question {question}" without a colon, filled as its
 * fetch_data fills it: the context and the question each stripped of surrounding whitespace by Python's
 * str.strip() (pyStrip: Python's whitespace set, not JavaScript's trim). Scored as
 * vital_measure.py EmrQA (NormQA): acc = exact match and f1 = set-based token F1 after the per-character
 * normalisation bug (see metrics/qaF1.ts), both averaged over docs.
 */
import type { Doc, MetricValue, SampleResult, Scoring, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { readEmrqa } from "../../loaders/readEmrqa.js";
import { meanWithStderr } from "../../metrics/mean.js";
import { pyStrip } from "../../parsers/pyText.js";
import { paperNormalize, paperQaScores, squadNormalize, squadQaScores } from "../../metrics/qaF1.js";

export function emrqaPrompt(fields: { context: string; question: string }): string {
    const context = pyStrip(fields.context);
    const question = pyStrip(fields.question);
    return "\nTASK: Given a medical context and an open-ended question related to it, extract the relevant text segment "
        + "from the context as an answer. Expected output: Only extract and return the text segment from the provided "
        + "context that directly answers the question. Do not add any new words.\n"
        + `###\nContext: ${context}\nQuestion ${question}\nAnswer:\n`;
}

function processResult(doc: Doc, output: string, scoring: Scoring): SampleResult {
    const paper = scoring === "paper";
    const scores = paper ? paperQaScores(output, doc.answer) : squadQaScores(output, doc.answer);
    const normalize = paper ? paperNormalize : squadNormalize;
    return { parsed: normalize(output), gold: normalize(doc.answer), scores: { acc: scores.acc, f1: scores.f1 } };
}

function aggregate(_docs: readonly Doc[], samples: readonly SampleResult[]): Record<string, MetricValue> {
    return {
        acc: meanWithStderr(samples.map((s) => s.scores.acc ?? 0)),
        f1: meanWithStderr(samples.map((s) => s.scores.f1 ?? 0)),
    };
}

export const emrqa: Task = {
    name: "emrqa",
    // 2: context and question stripped as Me-LLaMA's fetch_data strips them.
    version: 2,
    description: "emrQA test (credentialed; 26,804 questions): extract the answer from a clinical note; exact match and F1.",
    strictDifferences: "Paper: normalisation joins every character with spaces (tokens are characters), F1 counts the "
        + "set of shared characters over the character counts (so an exact answer scores |distinct chars| / |chars|, below 1 "
        + "whenever a character repeats), and exact match ignores spacing. Strict: SQuAD v1.1 normalisation (punctuation "
        + "and articles removed) with word tokens and multiset F1.",
    reportedMetrics: ["acc", "f1"],
    generation: { until: [], maxTokens: 256 },
    fetchHint: "mellama data fetch emrqa",
    loadDocs: (options) => loadTaskDocs({
        task: "emrqa",
        fetchHint: "mellama data fetch emrqa",
        defaultPath: "emrqa/test.json",
        read: (file, bad) => readEmrqa(file, bad).map((r): Doc => ({
            id: `emrqa-${r.id}`, query: emrqaPrompt(r), answer: r.answer, choices: [], gold: -1,
        })),
    }, options),
    processResult,
    aggregate,
};
