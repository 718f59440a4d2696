/**
 * Test helpers: where each task's test data lives (the shared benchmark data for the public datasets, the
 * hand-made fixtures for the credentialed ones) and the oracle output — the gold answer as a model would say it.
 */
import { fileURLToPath } from "node:url";
import type { Doc } from "../../../src/eval/api/Task.js";
import { dataDir } from "../../../src/util/dataDir.js";

export const FIXTURE_DATA = fileURLToPath(new URL("../../fixtures/eval/data/", import.meta.url));

const FIXTURE_TASKS = new Set(["emrqa", "i2b2", "pubmedsum", "mimicsum", "bionli", "mednli"]);

export function dataDirFor(task: string): string {
    return FIXTURE_TASKS.has(task) ? FIXTURE_DATA : dataDir();
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
