/**
 * 2010 i2b2 concept extraction as Me-LLaMA scores it: the model rewrites the sentence with entities wrapped in HTML
 * tags whose class is problem/treatment/test (drug is also accepted); both HTMLs become aligned BIO sequences
 * (parsers/htmlToBio.ts) scored with seqeval's entity-level micro P/R/F1 (the paper's tables call it Macro-F1).
 * Me-LLaMA's repository has no i2b2 prompt builder: i2b2Prompt is an UNVERIFIED reconstruction.
 */
import { readdirSync, statSync } from "node:fs";
import type { Doc, MetricValue, SampleResult, Scoring, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { readI2b2Concepts } from "../../loaders/readI2b2Concepts.js";
import { readI2b2Xml } from "../../loaders/readI2b2Xml.js";
import { bootstrapStderr } from "../../metrics/bootstrapStderr.js";
import { entityPrf } from "../../metrics/seqeval.js";
import { htmlToBio, NER_ENTITY_TYPES } from "../../parsers/htmlToBio.js";
import { parseTopLevel } from "../../parsers/htmlTopLevel.js";

function isXmlLayout(path: string): boolean {
    return path.endsWith(".xml") || (statSync(path).isDirectory() && readdirSync(path).some((n) => n.endsWith(".xml")));
}

export function i2b2Prompt({ text }: { text: string }): string {
    return "\nTASK: Identify the medical problems, treatments and tests mentioned in the input sentence. Return the "
        + "sentence unchanged except that each entity is wrapped in an HTML span whose class is its type: "
        + "<span class=\"problem\">…</span>, <span class=\"treatment\">…</span> or <span class=\"test\">…</span>.\n"
        + `###\nINPUT: ${text}\nOUTPUT:\n`;
}

/** Strict: the multiset of (type, normalised mention text) of top-level tagged entities. */
export function strictEntities(html: string): string[] {
    return parseTopLevel(html).flatMap((node) => (node.kind === "element" && node.className !== undefined
        && NER_ENTITY_TYPES.includes(node.className)
        ? [`${node.className}\u0000${node.text.toLowerCase().split(/\s+/).filter((w) => w !== "").join(" ")}`]
        : []));
}

function processResult(doc: Doc, output: string, scoring: Scoring): SampleResult {
    if (scoring === "paper") {
        const { pred, gold } = htmlToBio(output, doc.answer);
        return { parsed: pred, gold, scores: {} };
    }
    return { parsed: strictEntities(output), gold: strictEntities(doc.answer), scores: {} };
}

function multisetPrf(samples: readonly SampleResult[]): { precision: number; recall: number; f1: number } {
    let tp = 0; let predicted = 0; let gold = 0;
    for (const s of samples) {
        const left = new Map<string, number>();
        for (const g of s.gold as string[]) {
            left.set(g, (left.get(g) ?? 0) + 1);
        }
        for (const p of s.parsed as string[]) {
            const n = left.get(p) ?? 0;
            if (n > 0) {
                tp++;
                left.set(p, n - 1);
            }
        }
        predicted += s.parsed.length;
        gold += s.gold.length;
    }
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = gold > 0 ? tp / gold : 0;
    return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
}

function aggregate(_docs: readonly Doc[], samples: readonly SampleResult[], scoring: Scoring): Record<string, MetricValue> {
    if (scoring === "paper") {
        const r = entityPrf(samples.map((s) => s.gold as string[]), samples.map((s) => s.parsed as string[]));
        return { f1: { value: r.f1, stderr: null }, precision: { value: r.precision, stderr: null }, recall: { value: r.recall, stderr: null } };
    }
    const r = multisetPrf(samples);
    const se = (key: "f1" | "precision" | "recall"): number | null => bootstrapStderr(samples, (s) => multisetPrf(s)[key]);
    return { f1: { value: r.f1, stderr: se("f1") }, precision: { value: r.precision, stderr: se("precision") }, recall: { value: r.recall, stderr: se("recall") } };
}

export const i2b2: Task = {
    name: "i2b2",
    version: 1,
    description: "2010 i2b2 concept extraction (credentialed): tag problems, treatments and tests inline as HTML; entity-level F1. Prompt UNVERIFIED.",
    strictDifferences: "Paper: BIO tags from whitespace split outside tags and spaCy-style tokens inside, greedy "
        + "token alignment that drops both tokens on any mismatch (one changed word can shift every later tag), then "
        + "seqeval micro entity F1. Strict: the multiset of (type, lowercased mention text) per sentence compared "
        + "directly, so alignment and tokenisation cannot move credit; seeded bootstrap stderrs.",
    reportedMetrics: ["f1", "precision", "recall"],
    generation: { until: [], maxTokens: 256 },
    fetchHint: "mellama data fetch i2b2",
    loadDocs: (options) => loadTaskDocs({
        task: "i2b2",
        fetchHint: "mellama data fetch i2b2",
        defaultPath: "i2b2/test",
        // A directory of .xml files or an .xml file is the XML layout; anything else the 2010 txt + concept layout.
        read: (file, bad) => (isXmlLayout(file) ? readI2b2Xml(file, bad) : readI2b2Concepts(file, bad)).map((s): Doc => ({
            id: `i2b2-${s.id}`, query: i2b2Prompt(s), answer: s.html, choices: [], gold: -1,
        })),
    }, options),
    processResult,
    aggregate,
};
