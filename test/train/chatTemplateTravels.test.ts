/**
 * The chat template an adapter was tuned on travels with the model: the adapter's tokenizer_config.json, the
 * merged model's, the exported GGUF's tokenizer.chat_template, and back to Hugging Face; each says the model's
 * real context as model_max_length, and openModel / readChatTemplate read the template from each.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { GgufFile } from "../../src/formats/gguf/GgufFile.js";
import { exportModel } from "../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import { openModel } from "../../src/formats/model/openModel.js";
import { readChatTemplate } from "../../src/formats/model/readChatTemplate.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { CHAT_TEMPLATES } from "../../src/tokenizer/chatTemplates.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { mergeAdapterDir } from "../../src/train/mergeAdapterDir.js";
import { runSft } from "../../src/train/runTraining.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-template-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const tokenizerModel = new URL("../fixtures/tokenizer/llama_like.model", import.meta.url).pathname;
const tokenizer = loadTokenizer(tokenizerModel);

test("sft -> adapter -> merge -> GGUF -> HF: the template trained on and model_max_length at every stop", () => {
    const config: LlamaConfig = { dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 1, hiddenDim: 64,
        vocabSize: tokenizer.vocabSize, maxSeqLen: 96, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 8, training: false });
    model.initWeights(1, 0.2);
    const base = join(dir, "base");
    writeHfCheckpoint({ dir: base, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
    copyFileSync(tokenizerModel, join(base, "tokenizer.model"));
    // The base's own tokenizer_config.json says a stale context; every output must say the model's.
    writeFileSync(join(base, "tokenizer_config.json"), JSON.stringify({ tokenizer_class: "LlamaTokenizer", model_max_length: 4096, add_bos_token: true, legacy: true }));
    const data = join(dir, "train.jsonl");
    writeFileSync(data, [0, 1, 2, 3].map((i) => JSON.stringify({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: `the patient ${i}` },
        { role: "assistant", content: "a fever" }, { role: "user", content: "and then?" }, { role: "assistant", content: `rest ${i}` }] })).join("\n"));
    const cfg = join(dir, "sft.json");
    writeFileSync(cfg, JSON.stringify({ output: "run", base: "base", data: { train: "train.jsonl" }, template: "llama2", seqLen: 64, microBatchSize: 2, gradAccum: 1,
        maxSteps: 2, kernels: "reference", lora: { r: 2, alpha: 4, dropout: 0 } }));
    const result = runSft(cfg, false);
    assert.equal(result.chatTemplate, CHAT_TEMPLATES.llama2);

    const adapterConfig = JSON.parse(readFileSync(join(result.checkpoint, "tokenizer_config.json"), "utf8")) as Record<string, unknown>;
    assert.equal(adapterConfig.chat_template, CHAT_TEMPLATES.llama2);
    assert.equal(adapterConfig.model_max_length, 96);
    assert.equal(adapterConfig.legacy, true, "the base's other keys are kept");

    const merged = join(dir, "merged");
    mergeAdapterDir(base, result.checkpoint, merged);
    const mergedConfig = JSON.parse(readFileSync(join(merged, "tokenizer_config.json"), "utf8")) as Record<string, unknown>;
    assert.equal(mergedConfig.chat_template, CHAT_TEMPLATES.llama2);
    assert.equal(mergedConfig.model_max_length, 96);
    assert.equal(readChatTemplate(merged)?.jinja, CHAT_TEMPLATES.llama2);
    {
        using source = openModel(merged);
        assert.equal(source.chatTemplate, CHAT_TEMPLATES.llama2);
    }

    const gguf = join(dir, "merged.gguf");
    exportModel({ from: merged, to: "gguf", out: gguf, type: "f32" });
    {
        using file = GgufFile.open(gguf);
        assert.equal(file.scalar("tokenizer.chat_template"), CHAT_TEMPLATES.llama2);
        assert.equal(file.number("llama.context_length"), 96);
    }
    assert.equal(readChatTemplate(gguf)?.jinja, CHAT_TEMPLATES.llama2);

    const back = join(dir, "back");
    exportModel({ from: gguf, to: "hf", out: back, type: "f32" });
    const backConfig = JSON.parse(readFileSync(join(back, "tokenizer_config.json"), "utf8")) as Record<string, unknown>;
    assert.equal(backConfig.chat_template, CHAT_TEMPLATES.llama2);
    assert.equal(backConfig.model_max_length, 96);
});
