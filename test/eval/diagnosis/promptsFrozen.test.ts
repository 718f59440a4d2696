import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { diagnosisPrompt } from "../../../src/eval/tasks/diagnosis/diagnosisPrompt.js";
import { JUDGE_RUBRIC_VERSION, judgePrompt, parseVerdicts, readJudgePrompt } from "../../../src/eval/tasks/diagnosis/judgeRubric.js";
import { getTask } from "../../../src/eval/tasks/registry.js";

const PRESENTATION = "A 40-year-old has fever and a rash.";
const JUDGE_INPUT = { gold: "Measles", synonyms: ["rubeola", "B05.9"], candidates: ["Measles", "Rubella", "Scarlet fever"] };
const sha = (s: string): string => createHash("sha256").update(s).digest("hex");

test("diagnosis prompts and the judge rubric are frozen by hash and version (bump the version to change them)", () => {
    const current = [
        { name: "diagnosis", version: getTask("diagnosis").version, sha256: sha(diagnosisPrompt(PRESENTATION, "zero_shot")) },
        { name: "diagnosis_cot", version: getTask("diagnosis_cot").version, sha256: sha(diagnosisPrompt(PRESENTATION, "cot")) },
        { name: "judge_rubric", version: JUDGE_RUBRIC_VERSION, sha256: sha(judgePrompt(JUDGE_INPUT, 1) + judgePrompt(JUDGE_INPUT, 2)) },
    ];
    const goldenFile = new URL("../../fixtures/eval/diagnosis/prompt_hashes.json", import.meta.url);
    if (process.env.UPDATE_GOLDEN === "1") {
        writeFileSync(goldenFile, `${JSON.stringify(current, null, 1)}\n`);
    }
    const golden = JSON.parse(readFileSync(goldenFile, "utf8")) as typeof current;
    for (const entry of current) {
        const frozen = golden.find((g) => g.name === entry.name && g.version === entry.version);
        assert.ok(frozen !== undefined, `${entry.name} v${entry.version} has no golden hash: a new version needs UPDATE_GOLDEN=1`);
        assert.equal(entry.sha256, frozen.sha256, `${entry.name} v${entry.version} changed without a version bump`);
    }
});

test("the judge prompt reads back, and verdict replies parse in JSON, fenced, bare-list and line forms; wrong counts are unreadable", () => {
    const prompt = judgePrompt(JUDGE_INPUT, 1);
    assert.ok(!prompt.includes(PRESENTATION));
    assert.deepEqual(readJudgePrompt(prompt), JUDGE_INPUT);
    assert.deepEqual(parseVerdicts('{"verdicts": [{"rank": 2, "verdict": "Related"}, {"rank": 1, "verdict": "exact"}, {"rank": 3, "verdict": "wrong"}]}', 3), ["exact", "related", "wrong"]);
    assert.deepEqual(parseVerdicts('Here:\n```json\n{"verdicts": ["exact", "clinically equivalent", "wrong"]}\n```', 3), ["exact", "equivalent", "wrong"]);
    assert.deepEqual(parseVerdicts("1. Measles: exact\n2. Rubella: related\n3: wrong", 3), ["exact", "related", "wrong"]);
    assert.equal(parseVerdicts('{"verdicts": ["exact", "wrong"]}', 3), null, "too few");
    assert.equal(parseVerdicts('{"verdicts": ["exact", "maybe", "wrong"]}', 3), null, "unknown verdict");
    assert.equal(parseVerdicts('{"verdicts": [{"rank": 1, "verdict": "exact"}, {"rank": 1, "verdict": "wrong"}, {"rank": 3, "verdict": "wrong"}]}', 3), null, "rank twice");
    assert.equal(parseVerdicts("I cannot help with that.", 3), null);
});
