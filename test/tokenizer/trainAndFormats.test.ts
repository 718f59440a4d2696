import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { FormatError } from "../../src/errors/MellamaError.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { SentencePieceBpe } from "../../src/tokenizer/SentencePieceBpe.js";
import { parseSentencePieceModel, serializeSentencePieceModel } from "../../src/tokenizer/sentencepieceModel.js";
import { saveTokenizer } from "../../src/tokenizer/saveTokenizer.js";
import { trainBpe } from "../../src/tokenizer/trainBpe.js";
import { Rng } from "../../src/util/rng.js";
import { mellamaArgv } from "../helpers/runCli.js";

const fixtures = fileURLToPath(new URL("../fixtures/tokenizer/", import.meta.url));
const { cases } = JSON.parse(readFileSync(`${fixtures}cases.json`, "utf8")) as { cases: { model: string; text?: string }[] };
const corpus = cases.filter((c) => c.text !== undefined).map((c) => c.text!);

test("a trained tokenizer is laid out like sentencepiece's, round-trips text, and reads back from both formats", () => {
    const model = trainBpe(corpus, { vocabSize: 1200 });
    assert.equal(model.pieces.length, 1200);
    assert.deepEqual(model.pieces.slice(0, 4).map((p) => p.piece), ["<unk>", "<s>", "</s>", "<0x00>"]);
    const dir = mkdtempSync(join(tmpdir(), "tok-"));
    saveTokenizer(dir, model);
    const fromModel = loadTokenizer(join(dir, "tokenizer.model"));
    const fromJson = loadTokenizer(join(dir, "tokenizer.json"));
    // A literal "▁" in the input comes back as a space (as in sentencepiece); every other text round-trips exactly.
    for (const text of corpus.slice(0, 60).filter((t) => !t.includes("\u2581"))) {
        const ids = fromModel.encode(text);
        assert.equal(fromModel.decode(ids), text, "round trip");
        assert.deepEqual(fromJson.encode(text), ids, "tokenizer.json encodes like tokenizer.model");
    }
    assert.deepEqual(parseSentencePieceModel(serializeSentencePieceModel(model), "x").pieces, model.pieces);
});

test("the tokenizer CLI encodes and decodes lines", () => {
    const dir = mkdtempSync(join(tmpdir(), "tok-"));
    const input = join(dir, "in.txt");
    writeFileSync(input, corpus.slice(0, 60).join("\n"));
    // The output is its own directory: the output guard refuses one that holds an input.
    const out = join(dir, "tok");
    execFileSync(process.execPath, [...mellamaArgv, "tokenizer", "train", "--input", input, "--vocab-size", "800", "--output", out], { stdio: "pipe" });
    const encoded = execFileSync(process.execPath, [...mellamaArgv, "tokenizer", "encode", "--tokenizer", out], { input: "heart rate 72\nfever\n" }).toString();
    const lines = encoded.trim().split("\n");
    assert.equal(lines.length, 2);
    const decoded = execFileSync(process.execPath, [...mellamaArgv, "tokenizer", "decode", "--tokenizer", out], { input: encoded }).toString();
    assert.equal(decoded, "heart rate 72\nfever\n");
});

test("corrupt tokenizer.model files fail with typed errors naming the field, never a crash or hang", () => {
    const good = readFileSync(`${fixtures}words.model`);
    const rng = new Rng(99);
    let typed = 0;
    for (let i = 0; i < 2000; i++) {
        const bad = Buffer.from(good);
        const kind = i % 4;
        let mutated: Buffer = bad;
        if (kind === 0) {
            mutated = bad.subarray(0, rng.int(bad.length));
        } else if (kind === 1) {
            for (let k = 0; k < 4; k++) {
                const at = rng.int(bad.length);
                bad[at] = bad[at]! ^ (1 << rng.int(8));
            }
        } else if (kind === 2) {
            // A length prefix made huge: the reader must refuse before slicing.
            const at = rng.int(bad.length - 5);
            bad.set([0xff, 0xff, 0xff, 0xff, 0x0f], at);
        } else {
            mutated = Buffer.concat([bad.subarray(0, 100), Buffer.from([rng.int(256), rng.int(256)]), bad.subarray(100)]);
        }
        try {
            loadTokenizerFromBytes(mutated);
        } catch (error) {
            assert.ok(error instanceof FormatError, `case ${i}: ${String(error)}`);
            assert.match(error.message, /^x\.model: /);
            typed++;
        }
    }
    assert.ok(typed > 500, `only ${typed} mutations were rejected`);
});

function loadTokenizerFromBytes(bytes: Uint8Array): void {
    // What parses must also work: special ids inside the vocabulary, encode and decode without a crash.
    const tokenizer = new SentencePieceBpe(parseSentencePieceModel(bytes, "x.model"));
    tokenizer.decode(tokenizer.encode("BP 120/80, fever \u{1FA7A} \u00e9", { bos: true, eos: true }));
}
