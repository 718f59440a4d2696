/**
 * The official `openai` npm client against `mellama serve`: chat and completions, streaming and not, n, stop,
 * seed, logprobs, echo, /v1/models; streamed text equals the non-streamed text and in-process generation.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import OpenAI from "openai";
import { loadForInference } from "../../src/model/inference/index.js";
import { startTestServer } from "./startTestServer.js";

const server = await startTestServer({ tiny: {}, plain: { chatTemplate: false, seed: 9 } });
const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });

test("models list and retrieve", async () => {
    const list = await client.models.list();
    assert.deepEqual(list.data.map((m) => m.id), ["tiny", "plain"]);
    const one = await client.models.retrieve("tiny");
    assert.equal(one.object, "model");
    await assert.rejects(client.models.retrieve("nope"), (e: unknown) => e instanceof OpenAI.NotFoundError);
});

test("completions: non-streaming equals streaming equals in-process generate; usage counts tokens", async () => {
    const local = await loadForInference(server.dirs.tiny!, { kernels: "reference" });
    const expected = await local.generate("the patient has", { maxTokens: 12, temperature: 0 });
    const r = await client.completions.create({ model: "tiny", prompt: "the patient has", max_tokens: 12, temperature: 0 });
    assert.equal(r.object, "text_completion");
    assert.equal(r.choices[0]!.text, expected.text);
    assert.equal(r.choices[0]!.finish_reason, expected.finishReason === "length" ? "length" : "stop");
    assert.equal(r.usage!.prompt_tokens, local.tokenizer.encode("the patient has", { bos: true }).length);
    assert.equal(r.usage!.completion_tokens, expected.tokens.length);
    const stream = await client.completions.create({ model: "tiny", prompt: "the patient has", max_tokens: 12, temperature: 0, stream: true });
    let text = "";
    let finish: string | null = null;
    let chunks = 0;
    for await (const chunk of stream) {
        text += chunk.choices[0]?.text ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
        chunks++;
    }
    assert.equal(text, expected.text);
    assert.equal(finish, r.choices[0]!.finish_reason);
    assert.ok(chunks >= 2);
});

test("chat: the template renders, streaming equals non-streaming, role chunk first, usage when asked", async () => {
    const messages = [{ role: "system" as const, content: "be brief" }, { role: "user" as const, content: "chest pain" }];
    const r = await client.chat.completions.create({ model: "tiny", messages, max_tokens: 10, temperature: 0 });
    assert.equal(r.object, "chat.completion");
    assert.equal(r.choices[0]!.message.role, "assistant");
    const stream = await client.chat.completions.create({ model: "tiny", messages, max_tokens: 10, temperature: 0, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let first: unknown;
    let usage: unknown;
    for await (const chunk of stream) {
        first ??= chunk.choices[0]?.delta;
        text += chunk.choices[0]?.delta.content ?? "";
        usage = chunk.usage ?? usage;
    }
    assert.deepEqual(first, { role: "assistant", content: "" });
    assert.equal(text, r.choices[0]!.message.content);
    assert.deepEqual(usage, r.usage);
});

test("chat on a model without a template is refused, naming --chat-template", async () => {
    await assert.rejects(client.chat.completions.create({ model: "plain", messages: [{ role: "user", content: "hi" }] }),
        (e: unknown) => e instanceof OpenAI.BadRequestError && /--chat-template FILE/.test(e.message) && e.code === "chat_template_missing");
});

test("n choices with a seed are reproducible; temperature 0 choices agree; stop cuts the text", async () => {
    const a = await client.completions.create({ model: "tiny", prompt: "fever", max_tokens: 8, temperature: 1.2, seed: 7, n: 3 });
    const b = await client.completions.create({ model: "tiny", prompt: "fever", max_tokens: 8, temperature: 1.2, seed: 7, n: 3 });
    assert.deepEqual(a.choices.map((c) => c.text), b.choices.map((c) => c.text));
    assert.deepEqual(a.choices.map((c) => c.index), [0, 1, 2]);
    const g = await client.completions.create({ model: "tiny", prompt: "fever", max_tokens: 8, temperature: 0, n: 2 });
    assert.equal(g.choices[0]!.text, g.choices[1]!.text);
    const full = g.choices[0]!.text;
    const cutAt = full.trim().split(/\s+/)[1];
    if (cutAt !== undefined) {
        const s = await client.completions.create({ model: "tiny", prompt: "fever", max_tokens: 8, temperature: 0, stop: [cutAt] });
        assert.equal(s.choices[0]!.text, full.slice(0, full.indexOf(cutAt)));
        assert.equal(s.choices[0]!.finish_reason, "stop");
    }
});

test("logprobs: completions (with echo) and chat; greedy tokens are the top alternative; texts join to the output", async () => {
    const r = await client.completions.create({ model: "tiny", prompt: "the patient", max_tokens: 5, temperature: 0, logprobs: 2, echo: true });
    const c = r.choices[0]!;
    assert.ok(c.text.startsWith("the patient"));
    const lp = c.logprobs!;
    assert.equal(lp.tokens!.length, lp.token_logprobs!.length);
    const promptTokens = r.usage!.prompt_tokens - 1; // without BOS
    assert.equal(lp.tokens!.slice(0, promptTokens).join(""), "the patient");
    // The choice's text is the prompt followed by the generated text as decoded on its own, as without echo, and
    // the token texts read as that text does: they concatenate to it and text_offset indexes into it.
    assert.equal(lp.tokens!.join(""), c.text);
    lp.tokens!.forEach((t, i) => assert.equal(c.text.slice(lp.text_offset![i], lp.text_offset![i]! + t.length), t));
    const gen = lp.token_logprobs!.slice(promptTokens);
    assert.ok(gen.length > 0);
    for (const [i, v] of gen.entries()) {
        const top = lp.top_logprobs![promptTokens + i]!;
        assert.equal(Object.keys(top).length, 2);
        assert.ok(Math.abs(Math.max(...Object.values(top)) - v!) < 1e-5, "greedy picks the most likely token");
        assert.ok(v! <= 0);
    }
    const chat = await client.chat.completions.create({ model: "tiny", messages: [{ role: "user", content: "cough" }], max_tokens: 4, temperature: 0, logprobs: true, top_logprobs: 3 });
    const content = chat.choices[0]!.logprobs!.content!;
    assert.equal(content.map((t) => t.token).join("").trimStart(), chat.choices[0]!.message.content);
    assert.equal(content[0]!.top_logprobs.length, 3);
});

test("errors come back as OpenAI error objects the client understands", async () => {
    await assert.rejects(client.completions.create({ model: "nope", prompt: "x" }), (e: unknown) => e instanceof OpenAI.NotFoundError && e.code === "model_not_found");
    await assert.rejects(client.completions.create({ model: "tiny", prompt: "x", max_tokens: 100_000 }), (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === "max_tokens");
    await assert.rejects(client.completions.create({ model: "tiny", prompt: "word ".repeat(400) }), (e: unknown) => e instanceof OpenAI.BadRequestError && e.code === "context_length_exceeded");
});
