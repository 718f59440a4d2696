import assert from "node:assert/strict";
import { test } from "node:test";
import { cleanText, DEFAULT_QUALITY, qualityReason } from "../../src/corpus/quality.js";

const good = "The patient was admitted with chest pain and treated with aspirin. She had a history of hypertension that was well controlled with medication, and she was discharged home to follow up in the cardiology clinic.";

test("each Gopher-style rule drops the document it is written for, and a normal note passes", () => {
    assert.equal(qualityReason(good, DEFAULT_QUALITY), null);
    const cases: [string, string][] = [
        ["too_few_words", "The patient was seen."],
        ["mean_word_length", `${"a b c d e f g h i j ".repeat(3)}the and`],
        ["symbol_ratio", `${good} ${"# ".repeat(10)}`],
        ["alpha_words", `${good} ${"12 34 56 78 90 ".repeat(12)}`],
        ["stop_words", "Patient admitted chest pain treated aspirin. History hypertension controlled medication, discharged home follow cardiology clinic next week again soon please."],
        ["repeated_ngrams", `${good} ${"chest pain ".repeat(30)}`],
        ["bullet_lines", Array.from({ length: 10 }, () => "- the patient and the nurse talked with the family about the plan").join("\n")],
        ["ellipsis_lines", Array.from({ length: 10 }, (_, i) => `the patient ${i} and the nurse talked with family about plan ${i}...`).join("\n")],
        ["duplicate_lines", [good, ...Array.from({ length: 4 }, () => "the patient and the nurse talked with the family")].join("\n")],
    ];
    for (const [reason, text] of cases) {
        // Line rules are checked with the bigram rule off: their repeated lines would trip it first.
        const options = reason.endsWith("_lines") ? { ...DEFAULT_QUALITY, maxTopBigramChars: 1 } : DEFAULT_QUALITY;
        assert.equal(qualityReason(text, options), reason, reason);
    }
    assert.equal(qualityReason("Patient admitted chest pain treated aspirin.", { ...DEFAULT_QUALITY, minWords: 1, minStopWords: 0 }), null);
});

test("cleaning normalises Unicode as configured and drops boilerplate lines", () => {
    assert.equal(cleanText("ﬁbrosis\r\nCopyright 2020 Journal\r\n\r\n\r\n\r\nCafe\u0301 ", "NFKC"), "fibrosis\n\nCafé");
    assert.equal(cleanText("ﬁbrosis", "NFC"), "ﬁbrosis");
});
