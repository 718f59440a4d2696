import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { benchmarkTestTexts, benchmarkTrainSplit, NoTrainSplitError } from "../../src/instruct/benchmarkSources.js";
import { dataDir } from "../../src/util/dataDir.js";

const data = dataDir();
const haveData = existsSync(join(data, "pubmedqa", "ori_pqal.json"));

test("PubMedQA's supervised split is the 500 labelled questions outside the official test set", { skip: !haveData && "no benchmark data" }, async () => {
    const train = await benchmarkTrainSplit("pubmedqa", data);
    assert.equal(train.examples.length, 500);
    const [test] = await benchmarkTestTexts(["pubmedqa"], data);
    assert.equal(test!.texts.length, 500);
    const testSet = new Set(test!.texts);
    assert.ok(train.examples.every((e) => !testSet.has(e.content)));
    assert.ok(train.examples.every((e) => e.prompt.startsWith("As an expert doctor in clinical science") && ["yes", "no", "maybe"].includes(e.answer)));
});

test("a benchmark without a train split in the data is refused with the path looked at", async () => {
    await assert.rejects(benchmarkTrainSplit("medqa", data), (error: unknown) => error instanceof NoTrainSplitError && error.message.includes("medqa"));
});
