/**
 * Test helpers: where each task's test data lives (the shared benchmark data for the public datasets, the
 * hand-made fixtures for the credentialed ones) and the oracle output — the gold answer as a model would say it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Doc } from "../../../src/eval/api/Task.js";
import { dataDir } from "../../../src/util/dataDir.js";

export const FIXTURE_DATA = fileURLToPath(new URL("../../fixtures/eval/data/", import.meta.url));

const FIXTURE_TASKS = new Set(["emrqa", "i2b2", "pubmedsum", "mimicsum", "bionli", "mednli"]);

export function dataDirFor(task: string): string {
    return FIXTURE_TASKS.has(task) ? FIXTURE_DATA : dataDir();
}

const SHARED_FILES: Record<string, string> = {
    pubmedqa: "pubmedqa/ori_pqal.json",
    medqa: "medqa/test.jsonl",
    medmcqa: "medmcqa/test_medagentsbench_singlechoice_dev.jsonl",
    ddi2013: "ddi2013/blurb_format/test.tsv",
    hoc: "hoc/blue_split/test.tsv",
    mtsample: "mtsamples/mtsamples.csv",
};

/**
 * node:test's `skip` option for a test that needs the shared benchmark data: false when the task uses fixtures
 * or its shared file exists, else a reason naming what is missing (so a clone without the data still passes,
 * and says why tests were skipped).
 */
export function skipWithoutData(...tasks: string[]): false | string {
    const missing = tasks.filter((t) => !FIXTURE_TASKS.has(t) && !existsSync(join(dataDir(), SHARED_FILES[t] ?? t)));
    return missing.length === 0 ? false : `no benchmark data for ${missing.join(", ")} under ${dataDir()} (set MELLAMA_DATA)`;
}

export function oracleOutput(task: string, doc: Doc): string {
    switch (task) {
        case "medqa":
        case "medmcqa":
            return `${doc.answer}`;
        case "hoc":
            return doc.answer.split(";").join("; ");
        default:
            return doc.answer;
    }
}
