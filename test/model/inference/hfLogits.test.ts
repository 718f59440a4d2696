/**
 * A Hugging Face directory written by mellama, read by plain PyTorch (reference/py/check_hf_logits.py, float64,
 * safetensors parsed with numpy/struct): mellama's inference session on the same directory gives the same
 * next-token logits after every prefix of the token sequence (max abs diff <= 1e-4 in F32; logits ~ 1).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openModel } from "../../../src/formats/model/openModel.js";
import { createInferenceSession } from "../../../src/model/inference/index.js";
import type { SentencePieceBpe } from "../../../src/tokenizer/SentencePieceBpe.js";
import { loadSentencePieceTokenizer } from "../../../src/tokenizer/loadTokenizer.js";
import { oracleTokens, writeOracleModel } from "./hfOracleModel.js";

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/inference/hf_logits.json", import.meta.url), "utf8")) as { tokens: number[]; weightSum: number; logits: number[][] };
const dir = mkdtempSync(join(tmpdir(), "mellama-hf-oracle-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("mellama's logits on its own HF directory equal plain PyTorch's on the same directory", () => {
    assert.deepEqual(fixture.tokens, oracleTokens);
    writeOracleModel(dir);
    using source = openModel(dir);
    const weights = new Map([...source.tensors.values()].map((t) => [t.name, t.readF32()]));
    let sum = 0;
    for (const w of weights.values()) {
        for (const v of w) {
            sum += v;
        }
    }
    assert.ok(Math.abs(sum - fixture.weightSum) < 1e-6 * Math.max(1, Math.abs(sum)), "the fixture was made from this model");
    // Any tokenizer will do: the logits are asked for by token id.
    const tokenizer: SentencePieceBpe = loadSentencePieceTokenizer(new URL("../../fixtures/tokenizer/llama_like.model", import.meta.url).pathname);
    for (const kernels of ["reference", "auto"] as const) {
        const session = createInferenceSession({ config: source.config, weights, tokenizer, source: dir }, { kernels, threads: 1 });
        for (let t = 1; t <= oracleTokens.length; t++) {
            const ours = session.logits(oracleTokens.slice(0, t));
            const want = fixture.logits[t - 1]!;
            let d = 0;
            for (let v = 0; v < want.length; v++) {
                d = Math.max(d, Math.abs(ours[v]! - want[v]!));
            }
            assert.ok(d <= 1e-4, `${kernels} kernels, prefix ${t}: max abs diff ${d}`);
        }
    }
});
