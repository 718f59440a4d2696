import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { BackendUnavailableError } from "../../../src/eval/backends/BackendUnavailableError.js";
import { createLM } from "../../../src/eval/backends/createLM.js";
import { MellamaError } from "../../../src/errors/MellamaError.js";
import { lmFromGenerator } from "../../../src/eval/backends/lmFromGenerator.js";
import { exportModel } from "../../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../../src/formats/hf/writeHfCheckpoint.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../../src/model/LlamaModel.js";
import { loadTokenizer } from "../../../src/tokenizer/loadTokenizer.js";

test("native: a path that is no checkpoint is a typed error naming it", async () => {
    await assert.rejects(createLM("native:/models/x"), (e: Error) => e instanceof MellamaError && e.message.includes("/models/x"));
});

test("llamacpp: a missing file or a model node-llama-cpp cannot load is a typed error with a hint", async (t) => {
    await assert.rejects(createLM("llamacpp:does-not-exist.gguf"), (e: Error) => e instanceof BackendUnavailableError && /no GGUF file/.test(e.message));
    const dir = mkdtempSync(join(tmpdir(), "mellama-gguf-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const bad = join(dir, "bad.gguf");
    writeFileSync(bad, Buffer.from("this is not a gguf file"));
    await assert.rejects(createLM(`llamacpp:${bad}`), (e: Error) => e instanceof BackendUnavailableError && /HINT/.test(e.message));
});

test("openai spec: base URL and model after #; unknown backends are ConfigErrors listing the valid ones", async () => {
    const lm = await createLM("openai:http://127.0.0.1:9/v1#me-llama-13b");
    assert.equal(lm.id, "openai:http://127.0.0.1:9#me-llama-13b");
    await assert.rejects(createLM("gpt4:x"), (e: Error) => e.name === "ConfigError" && /openai:BASE_URL/.test(e.message));
});

test("lmFromGenerator: results stream through onResult and come back in request order", async () => {
    const lm = lmFromGenerator("g", async (prompt, { maxTokens }) => `${prompt}:${maxTokens}`, { concurrency: 2 });
    const seen: number[] = [];
    const out = await lm.generateUntil([{ prompt: "a", until: [], maxTokens: 3, temperature: 0 }, { prompt: "b", until: [], maxTokens: 4, temperature: 0 }],
        (i) => seen.push(i));
    assert.deepEqual(out, [{ ok: true, text: "a:3" }, { ok: true, text: "b:4" }]);
    assert.deepEqual(seen.sort(), [0, 1]);
});

test("native: takes a GGUF file as well as an HF directory, with the same greedy answers", async () => {
    const tokPath = fileURLToPath(new URL("../../fixtures/tokenizer/words.model", import.meta.url));
    const config: LlamaConfig = { dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 48,
        vocabSize: loadTokenizer(tokPath).vocabSize, maxSeqLen: 64, normEps: 1e-5, ropeTheta: 10000,
        tieEmbeddings: false };
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 1, training: false });
    model.initWeights(9, 0.3);
    const dir = mkdtempSync(join(tmpdir(), "mellama-native-lm-"));
    try {
        const hf = join(dir, "hf");
        writeHfCheckpoint({ dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
            data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
        copyFileSync(tokPath, join(hf, "tokenizer.model"));
        const gguf = join(dir, "m.gguf");
        exportModel({ from: hf, to: "gguf", out: gguf, type: "f32" });
        const requests = ["the patient", "chest pain and"].map((prompt) => ({ prompt, until: [], maxTokens: 6, temperature: 0 }));
        const answers: string[][] = [];
        for (const spec of [`native:${hf}`, `native:${gguf}`]) {
            const lm = await createLM(spec, { kernels: "reference" });
            const out = await lm.generateUntil(requests);
            answers.push(out.map((r) => (r.ok ? r.text : `error: ${r.error}`)));
            await lm.dispose?.();
        }
        assert.deepEqual(answers[1], answers[0]);
        assert.ok(answers[0]!.every((t) => !t.startsWith("error")));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
