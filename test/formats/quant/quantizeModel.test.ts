/**
 * `exportModel --type <quantized>` (and `mellama quantize`): llama.cpp's per-tensor mixture for the _M/_S types
 * (attn_v and ffn_down on "more bits" layers, output.weight Q6_K), the fallback for rows that are not whole
 * blocks, the file type and quantization version, the per-tensor error report, GGUF -> GGUF requantization, and
 * refusing to write over the input.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ConfigError } from "../../../src/errors/MellamaError.js";
import { OutputExistsError } from "../../../src/util/writeOutput.js";
import { GgufFile } from "../../../src/formats/gguf/GgufFile.js";
import { GgmlType } from "../../../src/formats/gguf/ggufTypes.js";
import { tensorTypeFor, useMoreBits } from "../../../src/formats/gguf/quantMixture.js";
import { exportModel, type TensorReport } from "../../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../../src/formats/hf/writeHfCheckpoint.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { parameterLayout } from "../../../src/model/parameterLayout.js";
import { loadTokenizer } from "../../../src/tokenizer/loadTokenizer.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-quantize-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const tokPath = new URL("../../fixtures/tokenizer/llama_like.model", import.meta.url).pathname;
const vocabSize = loadTokenizer(tokPath).vocabSize;

test("use_more_bits picks llama.cpp's layers (LLaMA-2-7B: attn_v/ffn_down Q6_K on 0-3, 6, 9, ..., 27, 28-31)", () => {
    const layers = Array.from({ length: 32 }, (_, i) => i).filter((i) => useMoreBits(i, 32));
    assert.deepEqual(layers, [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31]);
    const m = { nLayers: 32, nGqa: 1, tiedOutput: false };
    assert.equal(tensorTypeFor("q4_k_m", "blk.6.attn_v.weight", [4096, 4096], m), GgmlType.Q6_K);
    assert.equal(tensorTypeFor("q4_k_m", "blk.7.attn_v.weight", [4096, 4096], m), GgmlType.Q4_K);
    assert.equal(tensorTypeFor("q4_k_m", "blk.30.ffn_down.weight", [11008, 4096], m), GgmlType.Q6_K);
    assert.equal(tensorTypeFor("q4_k_m", "output.weight", [4096, 32000], m), GgmlType.Q6_K);
    assert.equal(tensorTypeFor("q4_k_m", "token_embd.weight", [4096, 32000], m), GgmlType.Q4_K);
    assert.equal(tensorTypeFor("q4_0", "output.weight", [4096, 32000], m), GgmlType.Q6_K);
    assert.equal(tensorTypeFor("q8_0", "output.weight", [4096, 32000], m), GgmlType.Q8_0);
    assert.equal(tensorTypeFor("q4_k_m", "blk.0.attn_norm.weight", [4096], m), GgmlType.F32);
    assert.equal(tensorTypeFor("q4_k_m", "token_embd.weight", [4096, 32000], { ...m, tiedOutput: true }), GgmlType.Q6_K);
    // rows not whole 256-blocks: llama.cpp's fallbacks
    assert.equal(tensorTypeFor("q4_k_m", "blk.7.attn_q.weight", [96, 96], m), GgmlType.Q5_0);
    assert.equal(tensorTypeFor("q6_k", "blk.7.attn_q.weight", [96, 96], m), GgmlType.Q8_0);
    assert.equal(tensorTypeFor("q5_k_m", "blk.7.attn_q.weight", [80, 96], m), GgmlType.F16);
    assert.equal(tensorTypeFor("q3_k_m", "blk.0.attn_v.weight", [4096, 4096], m), GgmlType.Q5_K);
    assert.equal(tensorTypeFor("q2_k", "blk.5.ffn_down.weight", [11008, 4096], m), GgmlType.Q3_K);
});

test("q4_k_m export: the mixture per tensor, file type 15, errors reported, readable again and requantizable", () => {
    const config: LlamaConfig = {
        dim: 256, nLayers: 8, nHeads: 4, nKvHeads: 4, hiddenDim: 512, vocabSize, maxSeqLen: 64, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false,
    };
    let x = 7;
    const hf = join(dir, "hf");
    writeHfCheckpoint({
        dir: hf, config,
        tensors: parameterLayout(config).map((s) => ({
            name: s.hfName, shape: s.shape,
            data: () => Float32Array.from({ length: s.size }, () => { x = (x * 16807) % 2147483647; return x / 2147483647 - 0.5; }),
        })),
    });
    copyFileSync(tokPath, join(hf, "tokenizer.model"));
    const out = join(dir, "m-q4_k_m.gguf");
    const reports: TensorReport[] = [];
    exportModel({ from: hf, to: "gguf", out, type: "q4_k_m", onTensor: (r) => reports.push(r) });
    {
        using g = GgufFile.open(out);
        assert.equal(g.number("general.file_type"), 15);
        assert.equal(g.number("general.quantization_version"), 2);
        const type = (n: string): string => GgmlType[g.info(n).type];
        assert.equal(type("token_embd.weight"), "Q4_K");
        assert.equal(type("output.weight"), "Q6_K");
        assert.equal(type("output_norm.weight"), "F32");
        for (let l = 0; l < 8; l++) {
            const more = useMoreBits(l, 8) ? "Q6_K" : "Q4_K";
            assert.equal(type(`blk.${l}.attn_v.weight`), more, `layer ${l} attn_v`);
            assert.equal(type(`blk.${l}.ffn_down.weight`), more, `layer ${l} ffn_down`);
            assert.equal(type(`blk.${l}.attn_q.weight`), "Q4_K");
            assert.equal(type(`blk.${l}.ffn_gate.weight`), "Q4_K");
        }
    }
    assert.equal(reports.length, parameterLayout(config).length);
    const q4 = reports.find((r) => r.name === "blk.0.attn_q.weight")!;
    const q6 = reports.find((r) => r.name === "output.weight")!;
    // uniform weights: Q4_K's relative RMS error is a few %, Q6_K's about a quarter of it
    assert.ok(q4.relative! > 0.01 && q4.relative! < 0.1, `Q4_K relative error ${q4.relative}`);
    assert.ok(q6.relative! < q4.relative! / 2, `Q6_K ${q6.relative} vs Q4_K ${q4.relative}`);
    assert.equal(reports.find((r) => r.name === "output_norm.weight")!.rmse, undefined);
    // GGUF -> GGUF: a quantized file requantized to q8_0
    const again = join(dir, "m-q8_0.gguf");
    exportModel({ from: out, to: "gguf", out: again, type: "q8_0" });
    using g2 = GgufFile.open(again);
    assert.equal(GgmlType[g2.info("blk.0.attn_q.weight").type], "Q8_0");
    assert.throws(() => exportModel({ from: out, to: "gguf", out, type: "q6_k" }), (e: unknown) => e instanceof OutputExistsError && e.message.includes("is an input of this command"));
    assert.throws(() => exportModel({ from: out, to: "hf", out: join(dir, "x"), type: "q4_k_m" }), ConfigError);
    assert.throws(() => exportModel({ from: out, to: "gguf", out: join(dir, "y.gguf"), type: "q7" as "q6_k" }), ConfigError);
});
