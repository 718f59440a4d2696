/**
 * LlamaConfig presets and validation, the Hugging Face config.json mapping, and the parameter layout (names,
 * shapes, offsets, and the published parameter counts of the LLaMA-2 checkpoints).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/errors/MellamaError.js";
import { type LlamaConfig, PRESETS, resolvePreset, validateConfig } from "../../src/model/LlamaConfig.js";
import { fromHfConfig, toHfConfig } from "../../src/model/hfConfig.js";
import { parameterCount, parameterLayout } from "../../src/model/parameterLayout.js";

const tiny = (): LlamaConfig => resolvePreset("tiny15m");

test("every preset validates; 70B uses 8 kv heads", () => {
    for (const [name, config] of Object.entries(PRESETS)) {
        assert.doesNotThrow(() => validateConfig(config), name);
    }
    assert.equal(PRESETS["llama2-70b"]!.nKvHeads, 8);
    assert.deepEqual(PRESETS.tiny15m, { dim: 288, nLayers: 6, nHeads: 6, nKvHeads: 6, hiddenDim: 768, vocabSize: 32000,
        maxSeqLen: 256, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false });
    assert.throws(() => resolvePreset("gpt5"), (e: unknown) => e instanceof ConfigError && e.field === "model");
});

test("validateConfig refuses impossible configs naming the field", () => {
    const cases: [Partial<LlamaConfig>, string][] = [
        [{ dim: 0 }, "dim"], [{ dim: -288 }, "dim"], [{ nLayers: 1.5 }, "nLayers"], [{ vocabSize: Number.NaN }, "vocabSize"],
        [{ hiddenDim: 0 }, "hiddenDim"], [{ maxSeqLen: -1 }, "maxSeqLen"],
        [{ nHeads: 5 }, "nHeads"], // 288 / 5
        [{ nKvHeads: 4 }, "nKvHeads"], // 6 / 4
        [{ dim: 30, nHeads: 6, nKvHeads: 6 }, "nHeads"], // head size 5 is odd: no RoPE
        [{ normEps: 0 }, "normEps"], [{ ropeTheta: -1 }, "ropeTheta"],
        [{ tieEmbeddings: "yes" as unknown as boolean }, "tieEmbeddings"],
    ];
    for (const [patch, field] of cases) {
        assert.throws(() => validateConfig({ ...tiny(), ...patch }), (e: unknown) => e instanceof ConfigError && e.field === field,
            `${JSON.stringify(patch)} should name ${field}`);
    }
});

test("HF config.json round trip and field mapping", () => {
    const c70 = resolvePreset("llama2-70b");
    const hf = toHfConfig(c70);
    assert.equal(hf.hidden_size, 8192);
    assert.equal(hf.intermediate_size, 28672);
    assert.equal(hf.num_attention_heads, 64);
    assert.equal(hf.num_key_value_heads, 8);
    assert.equal(hf.num_hidden_layers, 80);
    assert.equal(hf.max_position_embeddings, 4096);
    assert.equal(hf.tie_word_embeddings, false);
    assert.deepEqual(hf.architectures, ["LlamaForCausalLM"]);
    assert.deepEqual(fromHfConfig(JSON.parse(JSON.stringify(hf))), c70);
    // The published meta-llama/Llama-2-7b-hf config.json (without num_key_value_heads in early revisions).
    const llama7b = { architectures: ["LlamaForCausalLM"], hidden_act: "silu", hidden_size: 4096, initializer_range: 0.02,
        intermediate_size: 11008, max_position_embeddings: 4096, model_type: "llama", num_attention_heads: 32,
        num_hidden_layers: 32, pad_token_id: 0, rms_norm_eps: 1e-5, tie_word_embeddings: false, torch_dtype: "float16", vocab_size: 32000 };
    assert.deepEqual(fromHfConfig(llama7b), resolvePreset("llama2-7b"));
    assert.throws(() => fromHfConfig({ ...llama7b, model_type: "mistral" }), /model_type/);
    assert.throws(() => fromHfConfig({ ...llama7b, hidden_size: "4096" }, "ckpt/config.json"), /ckpt\/config\.json: hidden_size/);
    assert.throws(() => fromHfConfig({ ...llama7b, num_attention_heads: 30 }), (e: unknown) => e instanceof ConfigError && e.field === "nHeads");
    assert.throws(() => fromHfConfig([]), ConfigError);
});

test("parameter layout: HF names, shapes, contiguous offsets, and LLaMA-2 parameter counts", () => {
    const layout = parameterLayout(tiny());
    assert.equal(layout[0]!.name, "embedTokens");
    assert.equal(layout[0]!.hfName, "model.embed_tokens.weight");
    const q3 = layout.find((s) => s.name === "layers.3.qProj")!;
    assert.equal(q3.hfName, "model.layers.3.self_attn.q_proj.weight");
    assert.deepEqual(q3.shape, [288, 288]);
    assert.equal(layout.find((s) => s.name === "layers.5.downProj")!.hfName, "model.layers.5.mlp.down_proj.weight");
    assert.deepEqual(layout.find((s) => s.name === "layers.0.postAttentionLayernorm")!.shape, [288]);
    assert.equal(layout.at(-1)!.hfName, "lm_head.weight");
    let offset = 0;
    for (const spec of layout) {
        assert.equal(spec.offset, offset, spec.name);
        offset += spec.size;
    }
    assert.equal(new Set(layout.map((s) => s.hfName)).size, layout.length);
    const tied = parameterLayout({ ...tiny(), tieEmbeddings: true });
    assert.ok(!tied.some((s) => s.name === "lmHead"));
    // llama2.c stories15M (tied classifier): 15,191,712 parameters.
    assert.equal(parameterCount({ ...tiny(), tieEmbeddings: true }), 15_191_712);
    // Published LLaMA-2 sizes (sum of the HF checkpoint tensors).
    assert.equal(parameterCount(resolvePreset("llama2-7b")), 6_738_415_616);
    assert.equal(parameterCount(resolvePreset("llama2-13b")), 13_015_864_320);
    assert.equal(parameterCount(resolvePreset("llama2-70b")), 68_976_648_192);
    const kv = parameterLayout(resolvePreset("llama2-70b")).find((s) => s.name === "layers.0.kProj")!;
    assert.deepEqual(kv.shape, [1024, 8192]);
});
