/**
 * Perplexity tasks (lm-eval's loglikelihood_rolling, as its wikitext task): each document's text is scored whole
 * over disjoint windows of the model's context, and the corpus-level figures are
 *   word_perplexity = exp(-Σ logprob / Σ words)   (words: re.split(r"\s+", text), as lm-eval counts them)
 *   byte_perplexity = exp(-Σ logprob / Σ bytes)   (UTF-8 bytes)
 *   bits_per_byte   = -Σ logprob / Σ bytes / ln 2
 * Built in: perplexity_general (held-out wikitext-2 valid articles; the nano recipe trains on test.txt only) and
 * perplexity_medical (the 500 PubMedQA test abstracts, which the recipe's corpus excludes by test_ground_truth.json).
 * `perplexity` scores any file given with --task-path perplexity=FILE: .jsonl (a "text" field) or plain text
 * (one document per wikitext " = Title = " heading, else per blank-line block).
 */
import { extname } from "node:path";
import type { Doc, LoadOptions, MetricValue, SampleResult, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { readPubmedqa } from "../../loaders/readPubmedqa.js";
import { readDocuments } from "../../../corpus/readers.js";
import { MellamaError } from "../../../errors/MellamaError.js";

/** lm-eval's _count_words: len(re.split(r"\s+", doc)) (so leading/trailing whitespace adds an empty word, as there). */
export function countWords(text: string): number {
    return text.split(/\s+/u).length;
}

export function countBytes(text: string): number {
    return Buffer.byteLength(text, "utf8");
}

/** The corpus-level perplexities from per-document log-likelihoods, words and bytes. */
export function perplexityMetrics(samples: readonly SampleResult[]): Record<string, MetricValue> {
    let ll = 0;
    let words = 0;
    let bytes = 0;
    for (const s of samples) {
        ll += s.scores.logprob ?? 0;
        words += s.scores.words ?? 0;
        bytes += s.scores.bytes ?? 0;
    }
    return {
        word_perplexity: { value: Math.exp(-ll / words), stderr: null },
        byte_perplexity: { value: Math.exp(-ll / bytes), stderr: null },
        bits_per_byte: { value: -ll / bytes / Math.LN2, stderr: null },
    };
}

async function readTextDocs(file: string, task: string, onBad: (line: number, reason: string) => void): Promise<Doc[]> {
    const docs: Doc[] = [];
    const jsonl = extname(file) === ".jsonl";
    for await (const d of readDocuments({ format: jsonl ? "jsonl" : "text", path: file, field: "text", onBad: (where) => onBad(where.line, where.reason) })) {
        if (d.text.trim() !== "") {
            docs.push({ id: `${task}-${docs.length}`, query: d.text, answer: "", choices: [], gold: -1 });
        }
    }
    return docs;
}

interface PerplexitySpec {
    name: string;
    description: string;
    defaultPath: string;
    fetchHint: string;
    read(file: string, onBad: (line: number, reason: string) => void): Promise<Doc[]> | Doc[];
}

function perplexityTask(spec: PerplexitySpec): Task {
    return {
        name: spec.name,
        version: 1,
        description: spec.description,
        strictDifferences: "None: perplexity reads no generated text.",
        reportedMetrics: ["word_perplexity", "byte_perplexity", "bits_per_byte"],
        generation: { until: [], maxTokens: 0 },
        fetchHint: spec.fetchHint,
        outputType: "loglikelihood_rolling",
        loadDocs: (options: LoadOptions) => loadTaskDocs({ task: spec.name, fetchHint: spec.fetchHint, defaultPath: spec.defaultPath,
            read: (file, bad) => spec.read(file, bad) }, options),
        processLoglikelihoods: (doc, results): SampleResult => ({
            parsed: "", gold: "", scores: { logprob: results[0]?.logprob ?? 0, words: countWords(doc.query), bytes: countBytes(doc.query) },
        }),
        processResult: () => {
            throw new MellamaError("TASK_KIND", `${spec.name} scores log-likelihoods; it has no generated output to parse`);
        },
        aggregate: (_docs, samples) => perplexityMetrics(samples),
    };
}

export const perplexityGeneral = perplexityTask({
    name: "perplexity_general",
    description: "General-domain perplexity: wikitext-2 valid articles (held out: the nano recipe trains on test.txt).",
    defaultPath: "wikitext2/valid.txt",
    fetchHint: "put WikiText-2's valid.txt at <data>/wikitext2/valid.txt (see the data README)",
    read: (file, bad) => readTextDocs(file, "perplexity_general", bad),
});

export const perplexityMedical = perplexityTask({
    name: "perplexity_medical",
    description: "Medical perplexity: the 500 PubMedQA test abstracts (excluded from the recipe's corpus), in file order.",
    defaultPath: "pubmedqa/ori_pqal.json",
    fetchHint: "mellama data fetch pubmedqa",
    read: (file, bad) => readPubmedqa(file, bad, "test").map((r): Doc => ({ id: `perplexity_medical-${r.pmid}`, query: r.contexts.join("\n"), answer: "", choices: [], gold: -1 })),
});

export const perplexityFile = perplexityTask({
    name: "perplexity",
    description: "Perplexity of any text or jsonl file (--task-path perplexity=FILE).",
    defaultPath: "perplexity/text.jsonl",
    fetchHint: "give the file with --task-path perplexity=FILE (.jsonl with a \"text\" field, or plain text)",
    read: (file, bad) => readTextDocs(file, "perplexity", bad),
});
