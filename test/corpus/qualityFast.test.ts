/**
 * The character-scan cleaning and quality rules (src/corpus/quality.ts) against their plain definitions
 * (oracles/qualityPlain.ts): the same cleaned text and the same drop reason on the shared data's real notes,
 * abstracts and articles, their re-spelled copies (as bench:corpus makes them), and seeded random texts built
 * from the characters the scan treats specially (Unicode spaces, astral letters, "…", "...", "#", CR/LF, U+2028,
 * boilerplate lines, case-changing letters).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cleanText, DEFAULT_QUALITY, qualityReason, type QualityOptions } from "../../src/corpus/quality.js";
import { readMtsamples } from "../../src/eval/loaders/readMtsamples.js";
import { readPubmedqa } from "../../src/eval/loaders/readPubmedqa.js";
import { dataDir } from "../../src/util/dataDir.js";
import { Rng } from "../../src/util/rng.js";
import * as plain from "./oracles/qualityPlain.js";

const OPTIONS: QualityOptions[] = [
    DEFAULT_QUALITY,
    { ...DEFAULT_QUALITY, minWords: 0, minStopWords: 0, minAlphaWords: 0, maxSymbolRatio: 1, minMeanWordLength: 0, maxMeanWordLength: 1e9 },
    { ...DEFAULT_QUALITY, minWords: 1, minStopWords: 8, maxTopBigramChars: 0.05 },
    { ...DEFAULT_QUALITY, minWords: 1, maxTopBigramChars: 1, maxEllipsisLines: 0, maxBulletLines: 0, maxDuplicateLineChars: 0 },
];

function check(text: string, label: string): void {
    for (const form of ["NFC", "NFKC"] as const) {
        const cleaned = cleanText(text, form);
        assert.equal(cleaned, plain.cleanText(text, form), `${label}: cleanText ${form}`);
    }
    const cleaned = plain.cleanText(text, "NFC");
    for (const [k, o] of OPTIONS.entries()) {
        assert.equal(qualityReason(cleaned, o), plain.qualityReason(cleaned, o), `${label}: options ${k}`);
        assert.equal(qualityReason(text, o), plain.qualityReason(text, o), `${label}: raw, options ${k}`);
    }
}

const respell = (text: string, copy: number): string =>
    text.replace(/[a-z]+/g, (w) => w.split("").map((c) => String.fromCharCode(97 + ((c.charCodeAt(0) - 97 + copy * 7) % 26))).join(""));

test("real notes, abstracts and articles: the same cleaned text and reasons as the plain rules", (t) => {
    const data = dataDir();
    if (!existsSync(join(data, "mtsamples", "mtsamples.csv"))) {
        t.skip("shared data not present");
        return;
    }
    const texts = [
        ...readMtsamples(join(data, "mtsamples", "mtsamples.csv"), () => undefined).map((r) => r.transcription).slice(0, 400),
        ...readPubmedqa(join(data, "pubmedqa", "ori_pqal.json"), () => undefined, "all").map((r) => r.contexts.join("\n")).slice(0, 150),
        ...readFileSync(join(data, "wikitext2", "test.txt"), "utf8").split(/\n \n = /).slice(0, 100),
    ];
    texts.forEach((text, i) => {
        check(text, `text ${i}`);
        check(respell(text, 1 + (i % 5)), `respelled text ${i}`);
    });
});

test("random texts of the characters the scan special-cases: the same cleaned text and reasons", () => {
    const pieces = ["the", "The", "THE", "and", "of", "to", "be", "that", "have", "with", "wIth", "patient", "pain", "chest", "İ", "Σ", "ΣΑΣ",
        "café", "e\u0301", "ﬁ", "𝐀", "𝒜bc", "😀", "\ud800", "\udc00", "#", "...", "....", "…", "..", ".", "12", "3.5", "-", "•", "–", "*",
        " ", " ", "  ", "\t", "\n", "\n\n\n", "\r\n", "\r", "\u00a0", "\u2028", "\u2029", "\u3000", "\ufeff", "\u200b", "\u000b",
        "copyright 2020", "Cookie Policy", "click here", "Page 3 of 9", "page 3 of 9 ", "©", "all rights reserved", "K", "Kelvin"];
    const rng = new Rng(11);
    for (let n = 0; n < 4000; n++) {
        const length = 1 + rng.int(n % 3 === 0 ? 400 : 60);
        let text = "";
        for (let i = 0; i < length; i++) {
            text += pieces[rng.int(pieces.length)]!;
            if (rng.int(3) > 0) {
                text += " ";
            }
        }
        check(text, `random ${n}`);
    }
});
