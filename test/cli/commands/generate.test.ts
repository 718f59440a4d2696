/** `mellama generate` through the real CLI: one streamed prompt, a --prompts file decoded together, bad input. */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { exportModel } from "../../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../../src/formats/hf/writeHfCheckpoint.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../../src/model/LlamaModel.js";
import { loadTokenizer } from "../../../src/tokenizer/loadTokenizer.js";
import { type CliResult, runCli } from "../../helpers/runCli.js";

const tokenizerModel = fileURLToPath(new URL("../../fixtures/tokenizer/words.model", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "mellama-cli-gen-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]): CliResult => runCli(args, { MELLAMA_QUIET: "1" });

test("mellama generate: --prompts decodes a file together, one JSON line per prompt in file order, each equal to --prompt alone", () => {
    const vocabSize = loadTokenizer(tokenizerModel).vocabSize;
    const config: LlamaConfig = { dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 48, vocabSize, maxSeqLen: 64,
        normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 1, training: false });
    model.initWeights(3, 0.3);
    const hf = join(dir, "hf");
    writeHfCheckpoint({ dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
    copyFileSync(tokenizerModel, join(hf, "tokenizer.model"));
    const prompts = ["the patient", "", "chest pain and fever", JSON.stringify("line one\nline two"), "history of"];
    const file = join(dir, "prompts.txt");
    writeFileSync(file, `${prompts.join("\n")}\n`);
    const batch = run("generate", "--model", hf, "--prompts", file, "--max-tokens", "6", "--batch", "3");
    assert.equal(batch.status, 0, batch.stderr);
    const lines = batch.stdout.trim().split("\n").map((l) => JSON.parse(l) as { line: number; text: string; tokens: number; finishReason: string });
    assert.deepEqual(lines.map((l) => l.line), [1, 3, 4, 5], "blank lines skipped, file order kept");
    for (const [i, text] of [[0, "the patient"], [1, "chest pain and fever"], [2, "line one\nline two"]] as const) {
        const alone = run("generate", "--model", hf, "--prompt", text, "--max-tokens", "6");
        assert.equal(alone.status, 0, alone.stderr);
        assert.equal(`${lines[i]!.text}\n`, alone.stdout, `prompt on line ${lines[i]!.line}`);
    }
    writeFileSync(file, "ok\n\"unterminated\n");
    const bad = run("generate", "--model", hf, "--prompts", file);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /prompts\.txt: line 2: starts with a quote but is not a JSON string/);
    assert.doesNotMatch(bad.stderr, /unterminated/, "the prompt's text is not echoed");
    const both = run("generate", "--model", hf, "--prompt", "x", "--prompts", file);
    assert.match(both.stderr, /exactly one of --prompt TEXT and --prompts FILE/);
});

test("mellama generate takes a GGUF (same text as its HF directory at F32), says when the context ends a generation, and quantizes on load", () => {
    const vocabSize = loadTokenizer(tokenizerModel).vocabSize;
    const config: LlamaConfig = { dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 48, vocabSize, maxSeqLen: 24,
        normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 1, training: false });
    model.initWeights(4, 0.3);
    const hf = join(dir, "hf-ctx");
    writeHfCheckpoint({ dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
    copyFileSync(tokenizerModel, join(hf, "tokenizer.model"));
    const gguf = join(dir, "ctx-f32.gguf");
    exportModel({ from: hf, to: "gguf", out: gguf, type: "f32" });
    const fromHf = run("generate", "--model", hf, "--prompt", "the patient", "--max-tokens", "8");
    const fromGguf = run("generate", "--model", gguf, "--prompt", "the patient", "--max-tokens", "8");
    assert.equal(fromGguf.status, 0, fromGguf.stderr);
    assert.equal(fromGguf.stdout, fromHf.stdout);
    assert.equal(fromHf.stderr, "", "no context note when max-tokens ends it");
    const long = run("generate", "--model", gguf, "--prompt", "the patient", "--max-tokens", "100");
    assert.equal(long.status, 0, long.stderr);
    assert.match(long.stderr, /stopped at the context limit of 24 tokens after \d+ new tokens/);
    const q = run("generate", "--model", hf, "--prompt", "the patient", "--max-tokens", "4", "--quantize", "q8_0");
    assert.equal(q.status, 0, q.stderr);
    const badQ = run("generate", "--model", hf, "--prompt", "x", "--quantize", "q4");
    assert.match(badQ.stderr, /^mellama: --quantize: expected one of q8_0, got "q4" \(see --help\)\n$/);
    assert.equal(badQ.status, 2);
});
