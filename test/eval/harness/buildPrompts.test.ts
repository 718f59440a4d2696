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

// Recorded from CPython 3 (lm-eval 0.3's fewshot_context for tasks without training docs):
//   r = random.Random(42); docs = list(range(12)); sh = docs[:]; r.shuffle(sh)
//   for d in sh: ex = r.sample(docs, 4); ex = [x for x in ex if x != d][:3]
test("few-shot examples are the ones lm-evaluation-harness draws with the same Random(42)", () => {
    const expected = [[7, 0, 11, 1], [5, 3, 8, 9], [2, 8, 3, 11], [8, 3, 7, 9], [9, 0, 2, 6], [6, 4, 2, 3], [11, 1, 6, 10],
        [3, 5, 11, 9], [4, 0, 7, 8], [0, 6, 1, 8], [1, 10, 9, 5], [10, 11, 1, 0]];
    const ordered = orderDocs(docs);
    assert.deepEqual(ordered.map((d) => Number(d.id.slice(1))), expected.map((e) => e[0]));
    buildPrompts(ordered, docs, 3, "no_prompt").forEach((prompt, i) => {
        const [target, ...shots] = expected[i]!;
        assert.equal(prompt, `${shots.map((s) => `Q${s}:\nA${s}`).join("\n\n")}\n\nQ${target}:\n`);
    });
});

// Recorded from CPython 3 (lm-eval 0.3's fewshot_context for a task with training docs):
//   r = random.Random(42); docs = list(range(12)); sh = docs[:]; r.shuffle(sh); train = list(range(100, 108))
//   for d in sh: ex = r.sample(train, 3)
test("few-shot from the train split: rnd.sample(training_docs, K) after the shuffle, with the task's doc_to_target", () => {
    const expected = [[7, 100, 107, 106], [5, 103, 101, 104], [2, 100, 104, 101], [8, 106, 101, 103], [9, 104, 106, 100], [6, 102, 105, 103],
        [11, 105, 102, 101], [3, 103, 106, 102], [4, 101, 100, 103], [0, 101, 102, 106], [1, 104, 106, 100], [10, 107, 104, 100]];
    const train: Doc[] = Array.from({ length: 8 }, (_, i) => ({ id: `t${100 + i}`, query: `Q${100 + i}:`, answer: `A${100 + i}`, choices: [], gold: -1 }));
    buildPrompts(orderDocs(docs), docs, 3, "no_prompt", { train, target: (x) => ` ${x.answer}` }).forEach((prompt, i) => {
        const [target, ...shots] = expected[i]!;
        assert.equal(prompt, `${shots.map((s) => `Q${s}: A${s}`).join("\n\n")}\n\nQ${target}:\n`);
    });
});
