/**
 * The per-word encoding path (text cut into "▁"-prefixed words, each encoded once and memoised) against one BPE
 * over the whole normalised text, which is what sentencepiece computes: the same ids on the shared data's clinical
 * notes, abstracts and articles and on adversarial text (whitespace runs, tabs, newlines, literal "▁", digits,
 * emoji and other astral characters, lone surrogates, combining marks, CJK), for every fixture model and the real
 * LLaMA-2 vocabulary, with the memo large and with it small enough to start over many times.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { readMtsamples } from "../../src/eval/loaders/readMtsamples.js";
import { readPubmedqa } from "../../src/eval/loaders/readPubmedqa.js";
import { parseSentencePieceModel } from "../../src/tokenizer/sentencepieceModel.js";
import { SentencePieceBpe } from "../../src/tokenizer/SentencePieceBpe.js";
import { dataDir } from "../../src/util/dataDir.js";
import { Rng } from "../../src/util/rng.js";
import { llama2Model } from "./llama2Vocabulary.js";

const fixtures = fileURLToPath(new URL("../fixtures/tokenizer/", import.meta.url));
const models = ["words", "llama_like", "mellama_trained", "words_unused"].map((name) => ({
    name, model: parseSentencePieceModel(readFileSync(`${fixtures}${name}.model`), `${name}.model`),
}));

function realTexts(): string[] {
    const data = dataDir();
    if (!existsSync(join(data, "mtsamples", "mtsamples.csv"))) {
        return [];
    }
    return [
        ...readMtsamples(join(data, "mtsamples", "mtsamples.csv"), () => undefined).map((r) => r.transcription).slice(0, 150),
        ...readPubmedqa(join(data, "pubmedqa", "ori_pqal.json"), () => undefined, "all").map((r) => r.contexts.join("\n")).slice(0, 60),
        ...readFileSync(join(data, "wikitext2", "test.txt"), "utf8").split(/\n \n = /).slice(0, 30),
    ];
}

function adversarialTexts(): string[] {
    const pieces = ["the", "patient", "BP", "120/80", "mg", "3.5", "2021-03-14", " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "▁", "▁▁", " ▁",
        "é", "e\u0301", "naïve", "Σ", "中文", "テスト", "😀", "👍🏽", "𝐀", "\ud800", "\udfff", "\u00a0", "\u200b", "<s>", "</s>", "<unk>", "0x41", "ﬁ"];
    const rng = new Rng(3);
    const out = ["", " ", "  ", "▁", " leading", "trailing ", "  two  spaces  ", "\n", "a", "😀", "\ud800"];
    for (let n = 0; n < 300; n++) {
        let text = "";
        for (let i = 1 + rng.int(40); i > 0; i--) {
            text += pieces[rng.int(pieces.length)]!;
            if (rng.int(2) === 0) {
                text += " ";
            }
        }
        out.push(text);
    }
    return out;
}

const texts = [...realTexts(), ...adversarialTexts()];

for (const { name, model } of [...models, { name: "llama2", model: llama2Model() }]) {
    test(`per-word encoding equals whole-text BPE (${name})`, () => {
        for (const limit of [1 << 18, 8]) {
            const tokenizer = new SentencePieceBpe(model, { wordCacheLimit: limit });
            // Twice: the second pass reads the memo.
            for (let pass = 0; pass < 2; pass++) {
                for (const [i, text] of texts.entries()) {
                    assert.deepEqual(tokenizer.encode(text), tokenizer.encodeWhole(text), `${name} text ${i} (cache ${limit}, pass ${pass})`);
                }
            }
        }
    });
}
