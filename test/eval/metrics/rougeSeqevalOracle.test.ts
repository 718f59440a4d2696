/**
 * ROUGE, the Porter stemmer and seqeval against independent implementations of their published definitions
 * (reference/py/make_rouge_seqeval_cases.py: rouge-score's tokenizer, NLTK's PorterStemmer in its default mode,
 * n-gram, LCS and summary-level LCS scores; seqeval's default-mode chunking with micro and macro averages) on
 * random and real-looking inputs (PubMedQA abstracts and conclusions, the Me-LLaMA paper's sentences,
 * wikitext-2). Every value must match exactly: both sides do the same float64 operations in the same order.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { porterStem } from "../../../src/eval/metrics/porterStem.js";
import { type RougeScores, rougeScores } from "../../../src/eval/metrics/rouge.js";
import { entityPrf, entityPrfByType } from "../../../src/eval/metrics/seqeval.js";

interface Score { precision: number; recall: number; fmeasure: number }
interface Prf { precision: number; recall: number; f1: number }
interface Cases {
    porter: Record<string, string>;
    rouge: {
        name: string; target: string; prediction: string;
        scores: Record<keyof RougeScores, Score>; stemmed: Record<keyof RougeScores, Score>;
    }[];
    seqeval: {
        name: string; golds: string[][]; preds: string[][];
        scores: {
            types: string[]; micro: Prf & { tp: number; predicted: number; gold: number };
            macro?: Prf; per_type?: Record<string, Prf & { support: number }>;
        };
    }[];
}

const cases = JSON.parse(readFileSync(new URL("../../fixtures/eval/metrics/rouge_seqeval_cases.json", import.meta.url), "utf8")) as Cases;

test("porterStem equals NLTK's PorterStemmer (NLTK_EXTENSIONS) as specified, on the paper's, PubMed's and Porter's own words", () => {
    const words = Object.keys(cases.porter);
    assert.ok(words.length > 1000);
    const wrong = words.filter((w) => porterStem(w) !== cases.porter[w]).map((w) => `${w}: ${porterStem(w)} vs ${cases.porter[w]}`);
    assert.deepEqual(wrong, []);
});

test("rouge1, rouge2, rougeL and rougeLsum equal rouge-score's definitions exactly, with and without the stemmer", () => {
    assert.ok(cases.rouge.length > 250 && cases.rouge.some((c) => c.name === "paper") && cases.rouge.some((c) => c.name === "pubmedqa"));
    for (const c of cases.rouge) {
        for (const [useStemmer, expected] of [[false, c.scores], [true, c.stemmed]] as const) {
            const got = rougeScores(c.target, c.prediction, { useStemmer });
            for (const type of ["rouge1", "rouge2", "rougeL", "rougeLsum"] as const) {
                assert.deepEqual(got[type], expected[type], `${c.name} ${type}${useStemmer ? " stemmed" : ""}: ${JSON.stringify(c.target.slice(0, 60))}`);
            }
        }
    }
});

test("seqeval micro and macro P/R/F1 and per-type scores equal seqeval's definitions exactly (IOB2, IOBES, malformed tags)", () => {
    assert.ok(cases.seqeval.length > 200);
    for (const c of cases.seqeval) {
        const micro = entityPrf(c.golds, c.preds);
        assert.deepEqual(micro, c.scores.micro, c.name);
        const byType = entityPrfByType(c.golds, c.preds);
        assert.deepEqual([...byType.types.keys()], c.scores.types, c.name);
        if (c.scores.macro === undefined) {
            assert.ok(Number.isNaN(byType.macro.f1), c.name);
            continue;
        }
        assert.deepEqual(byType.macro, c.scores.macro, c.name);
        for (const [type, row] of byType.types) {
            const expected = c.scores.per_type![type]!;
            assert.deepEqual([row.precision, row.recall, row.f1, row.gold], [expected.precision, expected.recall, expected.f1, expected.support], `${c.name} ${type}`);
        }
    }
});
