/**
 * BERTScore with a real BERT encoder against reference/py/make_bertscore_cases.py (a tiny random BertModel in plain
 * PyTorch float64, BERT's tokenizer rules and bert-score's greedy_cos_idf written out in Python): WordPiece ids
 * cased and uncased, every layer's hidden states within 1e-5, and P/R/F (plain, idf, baseline-rescaled) within 1e-5.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { BertModel } from "../../../src/eval/bertscore/BertModel.js";
import { WordPieceTokenizer } from "../../../src/eval/bertscore/WordPieceTokenizer.js";
import { createBertScorer, readBaseline } from "../../../src/eval/bertscore/createBertScorer.js";

const root = fileURLToPath(new URL("../../fixtures/eval/bertscore/", import.meta.url));
const modelDir = `${root}tiny-bert`;
interface Fixture {
    layer: number;
    tokenizer: { text: string; lowercase: boolean; ids: number[] }[];
    states: { ids: number[]; layers: number[][] }[];
    pairs: [string, string][];
    scores: { P: number; R: number; F: number }[];
    idfScores: { P: number; R: number; F: number }[];
    rescaled: { P: number; R: number; F: number }[];
}
const fixture = JSON.parse(readFileSync(`${root}bertscore_cases.json`, "utf8")) as Fixture;

test("WordPiece tokenizer: BERT's basic tokenizer and greedy longest-match pieces, cased and uncased", () => {
    const uncased = WordPieceTokenizer.load(modelDir);
    assert.equal(uncased.lowercase, true, "tokenizer_config.json do_lower_case");
    const vocab = new Map(readFileSync(`${modelDir}/vocab.txt`, "utf8").trim().split("\n").map((p, i) => [p, i]));
    const cased = new WordPieceTokenizer(vocab, false);
    for (const c of fixture.tokenizer) {
        assert.deepEqual((c.lowercase ? uncased : cased).encode(c.text), c.ids, `${JSON.stringify(c.text)} lowercase=${c.lowercase}`);
    }
});

test("the BERT encoder's hidden states at every layer equal PyTorch's within 1e-5", () => {
    const model = BertModel.load(modelDir);
    for (const s of fixture.states) {
        s.layers.forEach((want, layer) => {
            const got = model.forward(s.ids, layer);
            assert.equal(got.length, want.length);
            let max = 0;
            want.forEach((v, i) => { max = Math.max(max, Math.abs(got[i]! - v)); });
            assert.ok(max <= 1e-5, `layer ${layer}: max abs diff ${max}`);
        });
    }
    assert.throws(() => model.forward([2, 999, 3], 1), /outside the vocabulary/);
});

test("BERTScore P/R/F equal the reference computation: plain, idf, and rescaled with a baseline file", async () => {
    const cands = fixture.pairs.map((p) => p[0]);
    const refs = fixture.pairs.map((p) => p[1]);
    const check = (got: { precision: number; recall: number; f1: number }[], want: { P: number; R: number; F: number }[], what: string): void => {
        got.forEach((g, i) => {
            for (const [a, b, name] of [[g.precision, want[i]!.P, "P"], [g.recall, want[i]!.R, "R"], [g.f1, want[i]!.F, "F"]] as const) {
                assert.ok(Math.abs(a - b) <= 1e-5, `${what} pair ${i} ${name}: ${a} vs ${b}`);
            }
        });
    };
    const plain = createBertScorer({ dir: modelDir, layer: fixture.layer });
    check(await plain.score(cands, refs), fixture.scores, "plain");
    check(await createBertScorer({ dir: modelDir, layer: fixture.layer, idf: true }).score(cands, refs), fixture.idfScores, "idf");
    const rescaled = createBertScorer({ dir: modelDir, layer: fixture.layer, baselineFile: `${root}baseline.tsv` });
    check(await rescaled.score(cands, refs), fixture.rescaled, "rescaled");
    assert.match(rescaled.id, /;L2;rescaled$/);
    assert.deepEqual(readBaseline(`${root}baseline.tsv`, fixture.layer), { P: 0.3, R: 0.25, F: 0.28 });
    assert.throws(() => createBertScorer({ dir: modelDir }), /no default layer for "tiny-bert"/);
});
