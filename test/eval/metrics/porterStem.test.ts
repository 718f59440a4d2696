import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { porterStem } from "../../../src/eval/metrics/porterStem.js";
import { rougeScores, rougeTokenize } from "../../../src/eval/metrics/rouge.js";

// Pairs recorded from NLTK 3.8's PorterStemmer by reference/py/make_metric_cases.py.
const { porter_nltk: cases } = JSON.parse(readFileSync(new URL("../../fixtures/eval/metrics/sklearn_cases.json", import.meta.url), "utf8")) as
    { porter_nltk: [string, string][] };

test(`Porter stemmer equals NLTK's on ${cases.length} words`, () => {
    const wrong = cases.filter(([word, stem]) => porterStem(word) !== stem).map(([word, stem]) => `${word}: ${porterStem(word)} != ${stem}`);
    assert.deepEqual(wrong, []);
    assert.ok(cases.length > 500);
});

test("ROUGE with use_stemmer stems tokens longer than 3 characters only", () => {
    assert.deepEqual(rougeTokenize("Effusions were seen; dies", { useStemmer: true }), ["effus", "were", "seen", "die"]);
    // "effusions" vs "effusion": different tokens unstemmed, equal stemmed
    assert.equal(rougeScores("small effusions", "small effusion").rouge1.fmeasure, 0.5);
    assert.equal(rougeScores("small effusions", "small effusion", { useStemmer: true }).rouge1.fmeasure, 1);
});
