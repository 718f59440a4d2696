/**
 * RoPE frequencies against the PyTorch oracle of transformers' definitions (reference/py/make_rope_scaling_cases.py):
 * default at rope_theta 10000 and 500000, linear, dynamic (inside and past the context) and llama3 scaling; the
 * GGUF form of llama3 scaling (per-frequency factors) gives the same frequencies; config.json round-trips it and
 * refuses unknown types by name.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ConfigError } from "../../src/errors/MellamaError.js";
import { fromHfConfig, toHfConfig } from "../../src/model/hfConfig.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { fillRopeTables, type RopeScaling, ropeFreqFactors, ropeInvFreq } from "../../src/model/ropeFrequencies.js";

interface RopeCase {
    name: string; headDim: number; ropeTheta: number; maxSeqLen: number; seqLen?: number; ropeScaling?: RopeScaling;
    invFreq: number[]; positions: number[]; cos: number[][]; sin: number[][];
}
const cases = (JSON.parse(readFileSync(new URL("../fixtures/rope/rope_scaling_cases.json", import.meta.url), "utf8")) as { cases: RopeCase[] }).cases;
const shape = (c: RopeCase): Pick<LlamaConfig, "dim" | "nHeads" | "ropeTheta" | "maxSeqLen" | "ropeScaling"> =>
    ({ dim: c.headDim, nHeads: 1, ropeTheta: c.ropeTheta, maxSeqLen: c.maxSeqLen, ...(c.ropeScaling ? { ropeScaling: c.ropeScaling } : {}) });

// Tolerances: inv_freq within 4 float32 ulps (PyTorch's float32 powf and our float64 pow round one ulp apart, and
// llama3's smoothing carries it into a few); cos/sin within
// 1e-6 (float32 cos in torch, float64 cos of the same float32 angle here) plus what 4 ulps of inv_freq move the
// angle at that position (p · inv · 5e-7).
test("inverse frequencies and cos/sin tables equal PyTorch's for default, linear, dynamic and llama3", () => {
    assert.equal(cases.length, 8);
    for (const c of cases) {
        const inv = ropeInvFreq(shape(c), c.seqLen ?? c.maxSeqLen);
        inv.forEach((x, i) => {
            const want = c.invFreq[i]!;
            assert.ok(Math.abs(x - want) <= 5e-7 * Math.abs(want), `${c.name}: inv_freq[${i}] ${x} vs ${want}`);
        });
        const half = c.headDim / 2;
        const rows = Math.min(c.maxSeqLen, 8192);
        const cos = new Float32Array(rows * half);
        const sin = new Float32Array(rows * half);
        fillRopeTables(cos, sin, inv, 0, rows);
        c.positions.forEach((p, r) => {
            if (p >= rows) {
                return;
            }
            for (let i = 0; i < half; i++) {
                const tol = 1e-6 + p * inv[i]! * 5e-7;
                assert.ok(Math.abs(cos[p * half + i]! - c.cos[r]![i]!) < tol, `${c.name}: cos at ${p}, ${i}`);
                assert.ok(Math.abs(sin[p * half + i]! - c.sin[r]![i]!) < tol, `${c.name}: sin at ${p}, ${i}`);
            }
        });
    }
    const llama3 = cases.find((c) => c.ropeScaling?.type === "llama3")!;
    const plain = ropeInvFreq({ ...shape(llama3), ropeScaling: undefined });
    assert.ok(ropeInvFreq(shape(llama3)).some((x, i) => x < plain[i]! * 0.5), "llama3 scaling changes the low frequencies");
});

test("GGUF's per-frequency factors (rope_freqs.weight) give llama3's frequencies back", () => {
    for (const c of cases.filter((x) => x.ropeScaling?.type === "llama3")) {
        const factors = ropeFreqFactors(shape(c));
        const back = ropeInvFreq({ ...shape(c), ropeScaling: { type: "factors", factors: Array.from(factors) } });
        const want = ropeInvFreq(shape(c));
        back.forEach((x, i) => assert.ok(Math.abs(x - want[i]!) <= 2.5e-7 * want[i]!, `${c.name}: ${i}`));
    }
});

test("config.json rope_scaling: llama3, linear and dynamic round-trip; unknown types are refused by name", () => {
    const base = { hidden_size: 64, intermediate_size: 128, num_attention_heads: 8, num_key_value_heads: 2, num_hidden_layers: 1, vocab_size: 128256,
        max_position_embeddings: 131072, rope_theta: 500000 };
    const llama3 = fromHfConfig({ ...base, rope_scaling: { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 } });
    assert.deepEqual(llama3.ropeScaling, { type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
    assert.deepEqual(fromHfConfig(toHfConfig(llama3)), llama3);
    assert.deepEqual(fromHfConfig({ ...base, rope_scaling: { type: "linear", factor: 2 } }).ropeScaling, { type: "linear", factor: 2 });
    assert.deepEqual(fromHfConfig({ ...base, rope_scaling: { type: "dynamic", factor: 2 } }).ropeScaling, { type: "dynamic", factor: 2 });
    assert.equal(fromHfConfig({ ...base, rope_scaling: null }).ropeScaling, undefined);
    assert.throws(() => fromHfConfig({ ...base, rope_scaling: { rope_type: "yarn", factor: 4 } }),
        (e: unknown) => e instanceof ConfigError && /rope_scaling\.rope_type: "yarn" is not supported/.test(e.message));
    assert.throws(() => fromHfConfig({ ...base, rope_scaling: { rope_type: "llama3", factor: 8 } }), /rope_scaling\.low_freq_factor/);
});
