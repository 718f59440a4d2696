import assert from "node:assert/strict";
import { test } from "node:test";
import type { Doc } from "../../../src/eval/api/Task.js";
import { buildPrompts, orderDocs, wrapPrompt } from "../../../src/eval/run/buildPrompts.js";

const docs: Doc[] = Array.from({ length: 12 }, (_, i) => ({ id: `d${i}`, query: `Q${i}:\n`, answer: `A${i}`, choices: [], gold: -1 }));

test("zero-shot prompts are the query; mellama_prompt wraps it as Me-LLaMA does", () => {
    assert.deepEqual(buildPrompts(docs.slice(0, 2), docs, 0, "no_prompt"), ["Q0:\n", "Q1:\n"]);
    assert.equal(wrapPrompt("ctx", "mellama_prompt"), "Human: \nctx\n\nAssistant: \n");
});

test("few-shot: K other docs as query+answer joined by blank lines, never the target, same with or without --limit", () => {
    const ordered = orderDocs(docs);
    const prompts = buildPrompts(ordered, docs, 3, "no_prompt");
    prompts.forEach((prompt, i) => {
        const target = ordered[i]!;
        const parts = prompt.split("\n\n");
        assert.equal(parts.length, 4);
        assert.equal(parts[3], target.query);
        for (const shot of parts.slice(0, 3)) {
            const m = /^Q(\d+):\nA(\d+)$/.exec(shot);
            assert.ok(m !== null && m[1] === m[2] && `d${m[1]}` !== target.id, shot);
        }
        assert.equal(new Set(parts.slice(0, 3)).size, 3);
    });
    assert.deepEqual(buildPrompts(orderDocs(docs, 5), docs, 3, "no_prompt"), prompts.slice(0, 5));
});
