/**
 * Sixteen concurrent streaming clients get the same text as sixteen sequential ones (greedy and seeded
 * sampling): decoding together in the SequenceBatcher changes nothing a client sees.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestServer } from "./startTestServer.js";

const server = await startTestServer({ tiny: {} }, { maxBatch: 16 });
const PROMPTS = Array.from({ length: 16 }, (_, i) => ["the patient", "fever", "chest pain", "history of", "blood", "pain"][i % 6]! + " ".repeat(i % 3) + (i >= 6 ? ` case ${i}` : ""));

async function stream(prompt: string, i: number): Promise<string> {
    const body = { model: "tiny", prompt, max_tokens: 24, stream: true, ...(i % 2 === 0 ? { temperature: 0 } : { temperature: 0.9, seed: 100 + i }) };
    const r = await fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal(r.status, 200);
    let text = "";
    for (const event of (await r.text()).split("\n\n")) {
        if (event.startsWith("data: {")) {
            text += (JSON.parse(event.slice(6)) as { choices: { text: string }[] }).choices[0]?.text ?? "";
        }
    }
    return text;
}

test("16 concurrent streaming clients = 16 sequential ones", async () => {
    const sequential: string[] = [];
    for (const [i, p] of PROMPTS.entries()) {
        sequential.push(await stream(p, i));
    }
    const concurrent = await Promise.all(PROMPTS.map((p, i) => stream(p, i)));
    assert.deepEqual(concurrent, sequential);
    assert.ok(new Set(sequential).size > 4, "the prompts give different answers");
    assert.ok(sequential.every((t) => t.length > 0));
});
