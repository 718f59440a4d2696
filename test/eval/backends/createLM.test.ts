import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BackendUnavailableError } from "../../../src/eval/backends/BackendUnavailableError.js";
import { createLM } from "../../../src/eval/backends/createLM.js";
import { MellamaError } from "../../../src/errors/MellamaError.js";
import { lmFromGenerator } from "../../../src/eval/backends/lmFromGenerator.js";

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
