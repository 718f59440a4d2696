/**
 * `mellama chat` through the real CLI, and `eval --chat` on the native backend: both render with the model's own
 * chat template (from tokenizer_config.json or the GGUF), and each answer is what greedy decoding of the
 * template's ids gives in process.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { createNativeLM } from "../../../src/eval/backends/createNativeLM.js";
import { exportModel } from "../../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../../src/formats/hf/writeHfCheckpoint.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import { loadForInference } from "../../../src/model/inference/index.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../../src/model/LlamaModel.js";
import { type ChatMessage, CHAT_TEMPLATES, encodeChat } from "../../../src/tokenizer/chatTemplates.js";
import { loadTokenizer } from "../../../src/tokenizer/loadTokenizer.js";
import { mellamaArgv } from "../../helpers/runCli.js";

const tokenizerModel = fileURLToPath(new URL("../../fixtures/tokenizer/words.model", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "mellama-cli-chat-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const chat = (args: string[], input = ""): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [...mellamaArgv, "chat", ...args], { encoding: "utf8", input, env: { ...process.env, MELLAMA_QUIET: "1" } });

const tokenizer = loadTokenizer(tokenizerModel);
const config: LlamaConfig = { dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 48,
    vocabSize: tokenizer.vocabSize, maxSeqLen: 128, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 1, training: false });
model.initWeights(3, 0.3);
const hf = join(dir, "hf");
writeHfCheckpoint({ dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
    data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
copyFileSync(tokenizerModel, join(hf, "tokenizer.model"));
writeFileSync(join(hf, "tokenizer_config.json"), JSON.stringify({ chat_template: CHAT_TEMPLATES.mellama }));

/** Greedy answer in process: the conversation encoded with the template, decoded alone. */
async function expected(messages: ChatMessage[], maxTokens: number): Promise<string> {
    const session = await loadForInference(hf, { kernels: "reference" });
    try {
        return session.generateFromIds(encodeChat(tokenizer, messages, { template: "mellama" }), { maxTokens }).text;
    } finally {
        session.dispose();
    }
}

test("mellama chat --messages answers each unanswered user turn with the model's template; a GGUF answers the same", async () => {
    const file = join(dir, "messages.json");
    const messages: ChatMessage[] = [{ role: "system", content: "Be brief." }, { role: "user", content: "the patient has a fever" },
        { role: "assistant", content: "rest" }, { role: "user", content: "and chest pain" }, { role: "user", content: "history of" }];
    writeFileSync(file, JSON.stringify({ messages }));
    const r = chat(["--model", hf, "--messages", file, "--max-tokens", "5"]);
    assert.equal(r.status, 0, r.stderr);
    const answers = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { message: number; content: string });
    assert.deepEqual(answers.map((a) => a.message), [3, 4]);
    assert.equal(answers[0]!.content, await expected(messages.slice(0, 4), 5));
    assert.equal(answers[1]!.content, await expected([...messages.slice(0, 4), { role: "assistant", content: answers[0]!.content }, messages[4]!], 5));

    const gguf = join(dir, "m.gguf");
    exportModel({ from: hf, to: "gguf", out: gguf, type: "f32" });
    const g = chat(["--model", gguf, "--messages", file, "--max-tokens", "5"]);
    assert.equal(g.status, 0, g.stderr);
    assert.equal(g.stdout, r.stdout, "the GGUF carries the template and answers the same");
});

test("mellama chat takes turns line by line, streams each answer, /reset starts over", async () => {
    const r = chat(["--model", hf, "--max-tokens", "4", "--system", "Be brief."], "the patient\n\n/reset\nchest pain\n/exit\nnever read\n");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${await expected([{ role: "system", content: "Be brief." }, { role: "user", content: "the patient" }], 4)}\n`
        + `${await expected([{ role: "system", content: "Be brief." }, { role: "user", content: "chest pain" }], 4)}\n`);
    assert.match(r.stderr, /conversation cleared/);
});

test("mellama chat refuses a model without a template and bad message files, in one line naming the file", () => {
    const bare = join(dir, "bare");
    writeHfCheckpoint({ dir: bare, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
    copyFileSync(tokenizerModel, join(bare, "tokenizer.model"));
    const none = chat(["--model", bare], "hi\n");
    assert.notEqual(none.status, 0);
    assert.match(none.stderr, /carries no chat template .*--chat-template FILE/);
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, `${JSON.stringify({ role: "user", content: "secret text" })}\n${JSON.stringify({ role: "robot", content: "x" })}\n`);
    const bad = chat(["--model", hf, "--messages", file]);
    assert.notEqual(bad.status, 0);
    assert.equal(bad.stderr.trim().split("\n").length, 1);
    assert.match(bad.stderr, /bad\.jsonl: messages\[1\]\.role: must be/);
    assert.doesNotMatch(bad.stderr, /secret text/);
});

test("eval --chat on the native backend renders each prompt with the model's template", async () => {
    const lm = await createNativeLM(hf, { chat: true, kernels: "reference" });
    try {
        const [out] = await lm.generateUntil([{ prompt: "the patient has a fever", until: [], maxTokens: 5, temperature: 0 }]);
        assert.deepEqual(out, { ok: true, text: await expected([{ role: "user", content: "the patient has a fever" }], 5) });
        assert.match(lm.id, /;chat$/);
    } finally {
        await lm.dispose?.();
    }
    await assert.rejects(createNativeLM(join(dir, "bare"), { chat: true }), /carries no chat template/);
});
