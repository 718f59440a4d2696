/**
 * Fuzz: up to 2000 mutated requests (fields dropped, retyped, set to extremes; JSON text cut, spliced and
 * corrupted; deep nesting; random bytes), bounded in time. Every answer is 200 or a 4xx with OpenAI's error
 * object, never a 5xx or a dropped connection; afterwards the server answers a known request exactly as before.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/util/rng.js";
import { startTestServer } from "./startTestServer.js";

const server = await startTestServer({ tiny: {} }, { maxBatch: 8, maxQueue: 256, maxTokensLimit: 6 });
const VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, -1e308, 2 ** 53, "", "x", "\u0000", "\ud800", "🩺".repeat(50), [], [1], [[1, 2]], {}, { a: 1 },
    "word ".repeat(400), Array.from({ length: 70 }, () => "p"), [-5], [10 ** 9]];
const BASES: [string, Record<string, unknown>][] = [
    ["/v1/completions", { model: "tiny", prompt: "the patient", max_tokens: 4, temperature: 0.5, top_p: 0.9, seed: 1, stop: ["."], n: 2, logprobs: 1, echo: true, stream: false }],
    ["/v1/completions", { model: "tiny", prompt: ["a", "b"], max_tokens: 3, stream: true, stream_options: { include_usage: true } }],
    ["/v1/chat/completions", { model: "tiny", messages: [{ role: "system", content: "s" }, { role: "user", content: "u" }], max_tokens: 4, logprobs: true, top_logprobs: 2, stream: true }],
    ["/v1/chat/completions", { model: "tiny", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], max_completion_tokens: 3, n: 2 }],
];

function mutate(rng: Rng): [string, string] {
    const [path, base] = BASES[Math.floor(rng.next() * BASES.length)]!;
    const body: Record<string, unknown> = structuredClone(base);
    const keys = [...Object.keys(body), "extra", "messages", "prompt", "max_tokens"];
    for (let m = 0, count = 1 + Math.floor(rng.next() * 3); m < count; m++) {
        const key = keys[Math.floor(rng.next() * keys.length)]!;
        const r = rng.next();
        if (r < 0.2) {
            delete body[key];
        } else if (r < 0.8) {
            body[key] = VALUES[Math.floor(rng.next() * VALUES.length)];
        } else {
            let deep: unknown = 1;
            for (let d = 0; d < 200; d++) {
                deep = [deep];
            }
            body[key] = deep;
        }
    }
    let text = JSON.stringify(body);
    const t = rng.next();
    if (t < 0.1) {
        text = text.slice(0, Math.floor(rng.next() * text.length));
    } else if (t < 0.2) {
        const at = Math.floor(rng.next() * text.length);
        text = text.slice(0, at) + String.fromCharCode(Math.floor(rng.next() * 128)) + text.slice(at + 1);
    }
    return [path, text];
}

test("mutated requests: 200 or a 4xx error object each; the server still answers correctly", { timeout: 300_000 }, async () => {
    const golden = JSON.stringify({ model: "tiny", prompt: "the patient", max_tokens: 5, temperature: 0 });
    const ask = (): Promise<string> => fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: golden })
        .then((r) => r.json() as Promise<{ choices: { text: string }[] }>).then((j) => j.choices[0]!.text);
    const before = await ask();
    const rng = new Rng(2024);
    // A fixed count (no deadline: the test asserts behaviour, not speed); 800 requests take ~3 s on a quiet 2-core machine.
    const total = 800;
    const statuses = new Map<number, number>();
    let sent = 0;
    const worker = async (): Promise<void> => {
        while (sent < total) {
            sent++;
            const [path, text] = mutate(rng);
            const bytes = rng.next() < 0.05 ? Buffer.from(Array.from({ length: 40 }, () => Math.floor(rng.next() * 256))) : Buffer.from(text);
            const r = await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: bytes });
            const body = await r.text();
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
            assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `status ${r.status}: ${body.slice(0, 200)}`);
            if (r.status !== 200) {
                const e = (JSON.parse(body) as { error: { message: string; type: string } }).error;
                assert.equal(typeof e.message, "string");
                assert.equal(typeof e.type, "string");
            } else if (r.headers.get("content-type")?.startsWith("text/event-stream")) {
                assert.ok(body.endsWith("data: [DONE]\n\n"), "a stream ends with [DONE]");
            }
        }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.ok((statuses.get(200) ?? 0) > 20 && (statuses.get(400) ?? 0) > 100, JSON.stringify([...statuses]));
    assert.equal(await ask(), before);
});
