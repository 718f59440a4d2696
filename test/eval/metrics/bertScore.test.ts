// Hand-computed BERTScore with a fixed toy embedder (a -> [1,0], b -> [0,1], c -> [1,1]); the deterministic
// hash embedder is checked for its identities only.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TokenEmbedder } from "../../../src/eval/metrics/bertScore.js";
import { bertScore } from "../../../src/eval/metrics/bertScore.js";
import { createHashEmbedder } from "../../../src/eval/metrics/createHashEmbedder.js";

const VECTORS: Record<string, number[]> = { a: [1, 0], b: [0, 1], c: [1, 1] };
const toy: TokenEmbedder = {
    id: "toy",
    embed: (texts) => Promise.resolve(texts.map((t) => t.split(" ").filter((w) => w !== "").map((w) => Float32Array.from(VECTORS[w]!)))),
};

test("greedy cosine matching: precision over candidate tokens, recall over reference tokens", async () => {
    // cand "a b" vs ref "c": every cosine is 1/sqrt(2) -> P = R = F = 1/sqrt(2)
    // cand "a" vs ref "a b": P = 1; R = (1 + 0) / 2; F = 2 * 0.5 / 1.5 = 2/3
    const [x, y] = await bertScore(["a b", "a"], ["c", "a b"], toy);
    assert.ok(Math.abs(x!.f1 - Math.SQRT1_2) < 1e-6);
    assert.ok(Math.abs(y!.precision - 1) < 1e-6 && Math.abs(y!.recall - 0.5) < 1e-6 && Math.abs(y!.f1 - 2 / 3) < 1e-6);
});

test("hash embedder: identical texts score 1, empty sides 0, and it is deterministic", async () => {
    const embedder = createHashEmbedder();
    const [same, empty, other] = await bertScore(["no acute cardiopulmonary process", "", "pleural effusion"],
        ["No acute cardiopulmonary process.", "x", "small pleural effusions"], embedder);
    assert.ok(Math.abs(same!.f1 - 1) < 1e-6);
    assert.equal(empty!.f1, 0);
    const again = await bertScore(["pleural effusion"], ["small pleural effusions"], embedder);
    assert.equal(again[0]!.f1, other!.f1);
    assert.ok(other!.f1 > 0 && other!.f1 < 1);
});
