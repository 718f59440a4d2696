import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { TokenIdError } from "../../src/errors/TokenIdError.js";
import { loadSentencePieceTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { saveTokenizer } from "../../src/tokenizer/saveTokenizer.js";

// Oracle: reference/py/check_mellama_tokenizer.py trained mellama_trained.model with `mellama tokenizer train`
// (user-defined symbols [INST] [/INST] <<SYS>>), loaded it in python3-sentencepiece and recorded its ids. So the file
// mellama writes is one sentencepiece reads, and both sides tokenize it identically (exact).
const fixtures = fileURLToPath(new URL("../fixtures/tokenizer/", import.meta.url));
const recorded = JSON.parse(readFileSync(`${fixtures}mellama_trained_cases.json`, "utf8")) as {
    pieces: number; cases: { text: string; ids: number[]; decoded: string }[];
};

test("a tokenizer.model mellama wrote encodes in mellama exactly as python3-sentencepiece encoded it", () => {
    const tokenizer = loadSentencePieceTokenizer(`${fixtures}mellama_trained.model`);
    assert.equal(tokenizer.vocabSize, recorded.pieces);
    for (const [i, c] of recorded.cases.entries()) {
        assert.deepEqual(tokenizer.encode(c.text), c.ids, `case ${i}`);
        assert.equal(tokenizer.decode(c.ids), c.decoded, `case ${i}`);
    }
    // User-defined symbols were matched whole, before BPE, on both sides.
    const inst = tokenizer.pieceToId("[INST]");
    assert.ok(inst !== undefined && recorded.cases.some((c) => c.ids.includes(inst)));
});

test("the tokenizer.json written for the same model encodes identically", () => {
    const dir = mkdtempSync(join(tmpdir(), "tok-"));
    saveTokenizer(dir, loadSentencePieceTokenizer(`${fixtures}mellama_trained.model`).model);
    const fromJson = loadSentencePieceTokenizer(join(dir, "tokenizer.json"));
    for (const [i, c] of recorded.cases.entries()) {
        assert.deepEqual(fromJson.encode(c.text), c.ids, `case ${i}`);
    }
});

test("ids outside the vocabulary are TokenIdErrors", () => {
    const tokenizer = loadSentencePieceTokenizer(`${fixtures}mellama_trained.model`);
    assert.throws(() => tokenizer.decode([5, tokenizer.vocabSize]), TokenIdError);
    assert.throws(() => tokenizer.idToPiece(-1), TokenIdError);
});
