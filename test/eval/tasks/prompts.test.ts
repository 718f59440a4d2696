import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { bionliPrompt } from "../../../src/eval/tasks/bionli/bionli.js";
import { ddi2013Prompt } from "../../../src/eval/tasks/ddi2013/ddi2013.js";
import { emrqaPrompt } from "../../../src/eval/tasks/emrqa/emrqa.js";
import { hocPrompt } from "../../../src/eval/tasks/hoc/hoc.js";
import { i2b2Prompt } from "../../../src/eval/tasks/i2b2/i2b2.js";
import { medmcqaPrompt } from "../../../src/eval/tasks/medmcqa/medmcqa.js";
import { mednliPrompt } from "../../../src/eval/tasks/mednli/mednli.js";
import { medqaPrompt } from "../../../src/eval/tasks/medqa/medqa.js";
import { mimicsumPrompt } from "../../../src/eval/tasks/mimicsum/mimicsum.js";
import { mtsamplePrompt } from "../../../src/eval/tasks/mtsample/mtsample.js";
import { pubmedqaPrompt } from "../../../src/eval/tasks/pubmedqa/pubmedqa.js";
import { pubmedsumPrompt } from "../../../src/eval/tasks/pubmedsum/pubmedsum.js";
import { getTask, TASK_NAMES } from "../../../src/eval/tasks/registry.js";

// Each builder takes the doc fields it documents; the prompt cases and golden hashes call them with fixed fields.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fields come from JSON, typed per builder
const BUILDERS: Record<string, (fields: any) => string> = {
    pubmedqa: pubmedqaPrompt, medqa: medqaPrompt, medmcqa: medmcqaPrompt, emrqa: emrqaPrompt, i2b2: i2b2Prompt,
    ddi2013: ddi2013Prompt, hoc: hocPrompt, mtsample: mtsamplePrompt, pubmedsum: pubmedsumPrompt, mimicsum: mimicsumPrompt,
    bionli: bionliPrompt, mednli: mednliPrompt,
};

const FIXED_FIELDS: Record<string, Record<string, unknown>> = {
    pubmedqa: { contexts: ["Context one.", "Context two."], question: "Is it so?" },
    medqa: { question: "Which is right", options: [["A", "a"], ["B", "b"], ["C", "c"], ["D", "d"], ["E", "e"]] },
    medmcqa: { question: "Which is right.", options: [["A", "a"], ["B", "b"], ["C", "c"], ["D", "d"]] },
    emrqa: { context: "Context.", question: "What?" },
    i2b2: { text: "He has chest pain ." },
    ddi2013: { sentence: "@DRUG$ and @DRUG$." },
    hoc: { text: "Abstract." },
    mtsample: { text: "Transcription." },
    pubmedsum: { text: "Article." },
    mimicsum: { findings: "Findings." },
    bionli: { premise: "P.", hypothesis: "H." },
    mednli: { premise: "P.", hypothesis: "H." },
};

const fixtures = new URL("../../fixtures/eval/tasks/", import.meta.url);

test("prompts equal Me-LLaMA's templates filled by Python's str.format (reference/py/make_prompt_cases.py)", () => {
    const { cases } = JSON.parse(readFileSync(new URL("prompt_cases.json", fixtures), "utf8")) as
        { cases: { task: string; fields: Record<string, unknown>; prompt: string }[] };
    assert.equal(cases.length, 11);
    for (const c of cases) {
        assert.equal(BUILDERS[c.task]!(c.fields), c.prompt, c.task);
    }
});

test("each task's prompt for a fixed document is frozen by hash and version (bump the version to change it)", () => {
    const current = TASK_NAMES.map((task) => ({
        task,
        version: getTask(task).version,
        sha256: createHash("sha256").update(BUILDERS[task]!(FIXED_FIELDS[task])).digest("hex"),
    }));
    const goldenFile = new URL("prompt_hashes.json", fixtures);
    if (process.env.UPDATE_GOLDEN === "1") {
        writeFileSync(goldenFile, `${JSON.stringify(current, null, 1)}\n`);
    }
    const golden = JSON.parse(readFileSync(goldenFile, "utf8")) as typeof current;
    for (const entry of current) {
        const frozen = golden.find((g) => g.task === entry.task && g.version === entry.version);
        assert.ok(frozen !== undefined, `${entry.task} v${entry.version} has no golden hash: a new version needs UPDATE_GOLDEN=1`);
        assert.equal(entry.sha256, frozen.sha256,
            `${entry.task} v${entry.version}: the prompt changed without a version bump; bump the version and rerun with UPDATE_GOLDEN=1`);
    }
});
