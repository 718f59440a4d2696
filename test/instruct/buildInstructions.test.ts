import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { buildInstructions } from "../../src/instruct/buildInstructions.js";
import { parseInstructConfig } from "../../src/instruct/InstructConfig.js";

const fixtures = fileURLToPath(new URL("../fixtures/instruct/", import.meta.url));

function config(output: string, extra: Record<string, unknown> = {}): ReturnType<typeof parseInstructConfig> {
    return parseInstructConfig({
        output, seed: 7, formats: ["sharegpt", "alpaca"],
        sources: [
            { name: "Alpaca", path: join(fixtures, "alpaca.json") },
            { name: "Dolly", path: join(fixtures, "dolly.jsonl"), count: 2 },
            { name: "GuidelineQA", path: join(fixtures, "guidelineqa.jsonl") },
        ],
        ...extra,
    });
}

test("builds ShareGPT and Alpaca jsonl with Me-LLaMA's record shape, counting skipped records", async () => {
    const out = mkdtempSync(join(tmpdir(), "instruct-"));
    const skips: string[] = [];
    const report = await buildInstructions({ config: config(out), onSkip: (w) => skips.push(`${w.line}:${w.reason}`) });
    assert.equal(report.total, 3 + 2 + 1);
    assert.deepEqual(report.sources.map((s) => [s.source, s.available, s.written, s.skipped]),
        [["Alpaca", 3, 3, 1], ["Dolly", 3, 2, 1], ["GuidelineQA", 1, 1, 1]]);
    // Skips name the line and never echo the record's text.
    assert.ok(skips.some((s) => s.startsWith("3:")));
    assert.ok(skips.every((s) => !s.includes("not json at all")));
    const lines = readFileSync(join(out, "instructions.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as {
        id: string; conversations: { from: string; value: string }[]; text: string;
    });
    assert.equal(lines.length, 6);
    const aspirin = lines.find((l) => l.text.includes("aspirin"))!;
    assert.equal(aspirin.conversations[0]!.from, "human");
    assert.equal(aspirin.conversations[1]!.from, "agent");
    assert.equal(aspirin.text, aspirin.conversations[0]!.value);
    assert.equal(readFileSync(join(out, "instructions.alpaca.jsonl"), "utf8").trim().split("\n").length, 6);
    // Same seed, same output.
    const out2 = mkdtempSync(join(tmpdir(), "instruct-"));
    await buildInstructions({ config: config(out2) });
    assert.equal(readFileSync(join(out2, "instructions.jsonl"), "utf8"), readFileSync(join(out, "instructions.jsonl"), "utf8"));
});

test("drops training examples that overlap a test document, ignoring shared template text", async () => {
    const out = mkdtempSync(join(tmpdir(), "instruct-"));
    const report = await buildInstructions({
        config: config(out),
        loadTestTexts: async () => [{
            task: "planted",
            // The Alpaca "mitochondrion" passage as a test document: a leak. The template sentence alone is not.
            texts: ["The mitochondrion is the powerhouse of the cell and produces ATP through oxidative phosphorylation in eukaryotic organisms across many tissues.",
                "Below is an input that describes a task, maybe paired with a context that provides further information."],
            templateTexts: [],
        }],
    });
    assert.equal(report.leakedTotal, 1);
    assert.equal(report.sources[0]!.overlapping, 1);
    assert.equal(report.sources[0]!.leaked, 1);
    assert.equal(report.total, 5);
    assert.deepEqual(report.testTasksChecked, ["planted"]);
});

test("a config with an unknown key or a bad type fails naming the key", () => {
    assert.throws(() => parseInstructConfig({ output: "x", sources: [{ name: "Alpaca", path: "a.json", cuont: 3 }] }), /sources\.0\.cuont/);
    assert.throws(() => parseInstructConfig({ output: "x", sources: [{ name: "Alpaca", count: "many" }] }), /sources\.0\.count/);
    assert.throws(() => parseInstructConfig({ output: "x", sources: [] }), /sources/);
});
