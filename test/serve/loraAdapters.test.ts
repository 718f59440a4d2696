/**
 * LoRA adapters served as extra model names over one base, unmerged, through the official `openai` client:
 * /v1/models lists them with their base; each answers what its `mellama merge`d model answers in-process; requests
 * to the base and to two adapters, streamed concurrently, decode in the same batches and each get their solo text;
 * bad adapter specs are startup errors. Also `mellama generate --adapter` and the eval backend `native:PATH#DIR`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import OpenAI from "openai";
import { ConfigError, FormatError } from "../../src/errors/MellamaError.js";
import { createLM } from "../../src/eval/backends/createLM.js";
import { openModel } from "../../src/formats/model/openModel.js";
import { type KvCache, type LoraAdapter, loadForInference } from "../../src/model/inference/index.js";
import { serve } from "../../src/serve/serve.js";
import { mergeAdapterDir } from "../../src/train/mergeAdapterDir.js";
import { runCli } from "../helpers/runCli.js";
import { writeRandomAdapter } from "../model/inference/loraOracleModel.js";
import { tinyServeModel } from "./tinyServeModel.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-serve-lora-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const base = tinyServeModel({ dir: join(dir, "base"), seed: 7, noEos: true });
const config = openModel(base).config;
writeRandomAdapter(join(dir, "clin"), config, { r: 4, alpha: 8, rslora: false, targets: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], seed: 41 });
writeRandomAdapter(join(dir, "rs"), config, { r: 2, alpha: 4, rslora: true, targets: ["q_proj", "v_proj", "down_proj"], seed: 42 });
mergeAdapterDir(base, join(dir, "clin"), join(dir, "clin-merged"));
mergeAdapterDir(base, join(dir, "rs"), join(dir, "rs-merged"));

const server = await serve({ port: 0, kernels: "auto", threads: 1, maxBatch: 8, models: [{ name: "base", path: base }],
    adapters: [{ name: "clin", path: join(dir, "clin") }, { name: "rs", path: join(dir, "rs") }] });
after(() => server.close());
const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });

/** What the model (merged directory or base) generates alone in-process, greedy. */
async function solo(path: string, prompt: string, maxTokens: number): Promise<string> {
    const s = await loadForInference(path, { threads: 1 });
    const out = await s.generate(prompt, { maxTokens });
    s.dispose();
    return out.text;
}

test("/v1/models lists each adapter as a model with its base as parent", async () => {
    const list = await client.models.list();
    assert.deepEqual(list.data.map((m) => [m.id, (m as unknown as { parent: string | null }).parent]), [["base", null], ["clin", "base"], ["rs", "base"]]);
});

test("each adapter answers what its merged model answers (completions and chat), the base what the base answers", async () => {
    for (const [name, path] of [["base", base], ["clin", join(dir, "clin-merged")], ["rs", join(dir, "rs-merged")]] as const) {
        const r = await client.completions.create({ model: name, prompt: "the patient has", max_tokens: 12, temperature: 0 });
        assert.equal(r.model, name);
        assert.equal(r.choices[0]!.text, await solo(path, "the patient has", 12), name);
        const scored = await client.completions.create({ model: name, prompt: "the patient has", max_tokens: 3, temperature: 0, logprobs: 2 });
        assert.equal(scored.choices[0]!.logprobs!.top_logprobs!.length, 3);
    }
    const texts = await Promise.all(["base", "clin"].map(async (model) => (await client.chat.completions.create({ model, messages: [{ role: "user", content: "chest pain" }], max_tokens: 8, temperature: 0 })).choices[0]!.message.content));
    assert.notEqual(texts[0], texts[1], "the adapter changes the answer");
});

test("streaming requests to the base and two adapters decode in the same batches, each getting its solo text", async () => {
    const session = server.models.find((m) => m.name === "base")!.session;
    const seen: string[] = [];
    const stepBatch = session.stepBatch.bind(session);
    session.stepBatch = (tokens: Int32Array, positions: Int32Array, caches: readonly KvCache[], adapters?: readonly (LoraAdapter | null)[]): Float32Array => {
        seen.push(Array.from(tokens, (_, b) => adapters?.[b]?.name ?? "base").sort().join(","));
        return stepBatch(tokens, positions, caches, adapters);
    };
    try {
        const jobs = [["base", "fever and"], ["clin", "fever and"], ["rs", "fever and"], ["clin", "history of"], ["base", "chest pain"], ["rs", "acute renal"]] as const;
        const streamed = await Promise.all(jobs.map(async ([model, prompt]) => {
            const stream = await client.completions.create({ model, prompt, max_tokens: 16, temperature: 0, stream: true });
            let text = "";
            for await (const chunk of stream) {
                text += chunk.choices[0]?.text ?? "";
            }
            return text;
        }));
        const paths: Record<string, string> = { base, clin: join(dir, "clin-merged"), rs: join(dir, "rs-merged") };
        for (let i = 0; i < jobs.length; i++) {
            assert.equal(streamed[i], await solo(paths[jobs[i]![0]]!, jobs[i]![1], 16), `job ${i}`);
        }
        assert.ok(seen.some((s) => s.includes("base") && s.includes("clin") && s.includes("rs")), `a step held all three: ${seen.slice(0, 4).join(" | ")}`);
    } finally {
        session.stepBatch = stepBatch;
    }
});

test("bad adapter specs fail at startup with one-line errors", async () => {
    await assert.rejects(serve({ port: 0, threads: 1, models: [{ name: "a", path: base }, { name: "b", path: base }], adapters: [{ name: "x", path: join(dir, "clin") }] }),
        (e: unknown) => e instanceof ConfigError && /several models are served: say which one "x" runs on with NAME@MODEL=DIR/.test(e.message));
    await assert.rejects(serve({ port: 0, threads: 1, models: [{ name: "a", path: base }], adapters: [{ name: "a", path: join(dir, "clin") }] }),
        (e: unknown) => e instanceof ConfigError && /two models are named "a"/.test(e.message));
    await assert.rejects(serve({ port: 0, threads: 1, models: [{ name: "a", path: base }], adapters: [{ name: "x", path: join(dir, "nope") }] }),
        (e: unknown) => e instanceof FormatError && /adapter_config\.json: file: missing/.test(e.message));
    const other = tinyServeModel({ dir: join(dir, "wide"), dim: 64 });
    await assert.rejects(serve({ port: 0, threads: 1, models: [{ name: "w", path: other }], adapters: [{ name: "x", base: "w", path: join(dir, "clin") }] }),
        (e: unknown) => e instanceof FormatError && /adapts a 32x32 layer, the model's is 64x64/.test(e.message));
    const cli = runCli(["serve", "--model", `m=${base}`, "--adapter", join(dir, "clin"), "--port", "0"]);
    assert.notEqual(cli.status, 0);
    assert.match(cli.stderr, /--adapter: expected NAME=DIR or NAME@MODEL=DIR/);
});

test("mellama generate --adapter and the eval backend native:PATH#ADAPTER give the merged model's text", async () => {
    const want = await solo(join(dir, "clin-merged"), "the patient has", 10);
    const r = runCli(["generate", "--model", base, "--adapter", join(dir, "clin"), "--prompt", "the patient has", "--max-tokens", "10", "--threads", "1"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${want}\n`);
    const lm = await createLM(`native:${base}#${join(dir, "clin")}`, { threads: 1 });
    assert.equal(lm.id, `native:${base}#${join(dir, "clin")}`);
    const [out] = await lm.generateUntil([{ prompt: "the patient has", maxTokens: 10, until: [], temperature: 0 }]);
    assert.deepEqual(out, { ok: true, text: want });
    await lm.dispose?.();
});
