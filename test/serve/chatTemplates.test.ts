/**
 * Where the chat template comes from: a GGUF's tokenizer.chat_template, a tokenizer_config.json's chat_template,
 * and --chat-template FILE over either; the rendered prompt is the template's, through /api/render and chat.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { exportModel } from "../../src/formats/hf/exportModel.js";
import { serve } from "../../src/serve/serve.js";
import { tinyServeModel } from "./tinyServeModel.js";

const ALPACA_JINJA = "{% for m in messages %}{% if m['role'] == 'user' %}### Instruction:\n{{ m['content'] }}\n\n### Response:\n{% endif %}{% endfor %}";

test("chat templates from GGUF metadata, tokenizer_config.json and --chat-template FILE", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-serve-templates-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const hf = tinyServeModel({ dir: join(dir, "hf") });
    const gguf = join(dir, "tiny.gguf");
    exportModel({ from: hf, to: "gguf", out: gguf, type: "f32" });
    const file = join(dir, "alpaca.jinja");
    writeFileSync(file, ALPACA_JINJA);
    const server = await serve({ port: 0, threads: 1, models: [{ name: "hf", path: hf }, { name: "gguf", path: gguf }, { name: "override", path: gguf, chatTemplate: file }] });
    t.after(() => server.close());
    const models = await (await fetch(`${server.url}/v1/models`)).json() as { data: { id: string; chat_template: string }[] };
    assert.deepEqual(models.data.map((m) => [m.id, m.chat_template]),
        [["hf", "tokenizer_config.json"], ["gguf", "tokenizer.chat_template (GGUF)"], ["override", file]]);
    const messages = [{ role: "user", content: "cough for two weeks" }];
    const render = async (model: string): Promise<string> => ((await (await fetch(`${server.url}/api/render`, { method: "POST",
        headers: { "content-type": "application/json" }, body: JSON.stringify({ model, messages }) })).json()) as { prompt: string }).prompt;
    assert.equal(await render("hf"), "<s>[INST] cough for two weeks [/INST]");
    assert.equal(await render("gguf"), "<s>[INST] cough for two weeks [/INST]");
    assert.equal(await render("override"), "### Instruction:\ncough for two weeks\n\n### Response:\n");
    // The same template and weights answer the same, whichever file they came from.
    const chat = async (model: string): Promise<string> => ((await (await fetch(`${server.url}/v1/chat/completions`, { method: "POST",
        headers: { "content-type": "application/json" }, body: JSON.stringify({ model, messages, max_tokens: 8, temperature: 0 }) })).json()) as
        { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    assert.equal(await chat("gguf"), await chat("hf"));
});
