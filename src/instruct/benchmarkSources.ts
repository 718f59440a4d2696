/**
 * The benchmark side of instruction data: train splits of the evaluation datasets rendered with the evaluation
 * tasks' own prompt builders (Me-LLaMA's supervised setting trains on the same templates it tests with), and
 * the test sets' content for the leakage check.
 *
 * Leakage is checked on content (abstract, question, note, sentence), not on whole prompts: train and test
 * prompts of one task share their template, and n-grams straddling template and content would flag unrelated
 * documents that merely open alike. Tasks without a content reader here fall back to their test prompts with
 * the template's n-grams ignored.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { MellamaError } from "../errors/MellamaError.js";
import { DatasetMissingError } from "../errors/DatasetMissingError.js";
import { readDdiTsv, readDdiXml } from "../eval/loaders/readDdiXml.js";
import { readHoc } from "../eval/loaders/readHoc.js";
import { readMultipleChoice } from "../eval/loaders/readMultipleChoice.js";
import { mtsampleSplit, readMtsamples } from "../eval/loaders/readMtsamples.js";
import { readPubmedqa } from "../eval/loaders/readPubmedqa.js";
import { ddi2013Prompt } from "../eval/tasks/ddi2013/ddi2013.js";
import { HOC_CHOICES, hocPrompt } from "../eval/tasks/hoc/hoc.js";
import { MTSAMPLE_CHOICES, mtsamplePrompt } from "../eval/tasks/mtsample/mtsample.js";
import { pubmedqaPrompt } from "../eval/tasks/pubmedqa/pubmedqa.js";
import { getTask, TASK_NAMES } from "../eval/tasks/registry.js";
import { dataDir } from "../util/dataDir.js";
import type { BenchmarkTrainSplit } from "./buildInstructions.js";

export class NoTrainSplitError extends MellamaError {
    public constructor(task: string, looked: string) {
        super("NO_TRAIN_SPLIT", `benchmark "${task}" has no train split in the data (looked at ${looked}); train splits exist here for pubmedqa, hoc, ddi2013 and mtsample`);
    }
}

const ignore = (): void => { /* malformed records are counted by the eval loaders' own tests; skip here */ };

/** The train split of a benchmark task, prompts built by the task's own prompt builder. */
export async function benchmarkTrainSplit(task: string, root = dataDir()): Promise<BenchmarkTrainSplit> {
    switch (task) {
        case "pubmedqa": {
            const file = join(root, "pubmedqa", "ori_pqal.json");
            need(task, file);
            return {
                examples: readPubmedqa(file, ignore, "train").map((r) => ({
                    prompt: pubmedqaPrompt(r), answer: r.finalDecision, content: `${r.contexts.join("\n")}\n${r.question}`,
                })),
                templateTexts: [pubmedqaPrompt({ contexts: [], question: "" })],
            };
        }
        case "hoc": {
            const file = join(root, "hoc", "blue_split", "train.tsv");
            need(task, file);
            return {
                examples: readHoc(file, ignore, HOC_CHOICES).map((r) => ({ prompt: hocPrompt(r), answer: r.labels.join(";"), content: r.text })),
                templateTexts: [hocPrompt({ text: "" })],
            };
        }
        case "ddi2013": {
            // The official train XML when present; else BLURB's dev tsv (carved from the train documents).
            const xml = join(root, "ddi2013", "Train");
            const tsv = join(root, "ddi2013", "blurb_format", "dev.tsv");
            const pairs = existsSync(xml) ? readDdiXml(xml, ignore) : existsSync(tsv) ? readDdiTsv(tsv, ignore) : null;
            if (pairs === null) {
                throw new NoTrainSplitError(task, `${xml} and ${tsv}`);
            }
            return { examples: pairs.map((p) => ({ prompt: ddi2013Prompt(p), answer: p.label, content: p.sentence })), templateTexts: [ddi2013Prompt({ sentence: "" })] };
        }
        case "mtsample": {
            const file = join(root, "mtsamples", "mtsamples.csv");
            need(task, file);
            const known = new Set(MTSAMPLE_CHOICES);
            return {
                examples: mtsampleSplit(readMtsamples(file, ignore), "train").filter((r) => known.has(r.specialty))
                    .map((r) => ({ prompt: mtsamplePrompt({ text: r.transcription }), answer: r.specialty, content: r.transcription })),
                templateTexts: [mtsamplePrompt({ text: "" })],
            };
        }
        default:
            throw new NoTrainSplitError(task, root);
    }
}

function need(task: string, file: string): void {
    if (!existsSync(file)) {
        throw new NoTrainSplitError(task, file);
    }
}

/** Test-set content per task, for the leakage check; tasks whose data is absent are left out. */
export async function benchmarkTestTexts(tasks: "all" | string[], root = dataDir()): Promise<{ task: string; texts: string[]; templateTexts: string[] }[]> {
    const names = tasks === "all" ? [...TASK_NAMES] : tasks;
    const out: { task: string; texts: string[]; templateTexts: string[] }[] = [];
    for (const name of names) {
        try {
            const texts = contentTexts(name, root);
            if (texts !== null) {
                out.push({ task: name, texts, templateTexts: [] });
                continue;
            }
            const task = getTask(name);
            const docs = await task.loadDocs({ dataDir: root, onError: "skip" });
            out.push({ task: name, texts: docs.map((d) => d.query), templateTexts: [] });
        } catch (error) {
            if (error instanceof DatasetMissingError) {
                continue;
            }
            throw error;
        }
    }
    return out;
}

function contentTexts(task: string, root: string): string[] | null {
    const at = (...parts: string[]): string => join(root, ...parts);
    switch (task) {
        case "pubmedqa":
            return existsSync(at("pubmedqa", "ori_pqal.json"))
                ? readPubmedqa(at("pubmedqa", "ori_pqal.json"), ignore, "test").map((r) => `${r.contexts.join("\n")}\n${r.question}`) : [];
        case "hoc":
            return existsSync(at("hoc", "blue_split", "test.tsv")) ? readHoc(at("hoc", "blue_split", "test.tsv"), ignore, HOC_CHOICES).map((r) => r.text) : [];
        case "ddi2013":
            return existsSync(at("ddi2013", "blurb_format", "test.tsv")) ? readDdiTsv(at("ddi2013", "blurb_format", "test.tsv"), ignore).map((p) => p.sentence) : [];
        case "mtsample":
            return existsSync(at("mtsamples", "mtsamples.csv"))
                ? mtsampleSplit(readMtsamples(at("mtsamples", "mtsamples.csv"), ignore), "test").map((r) => r.transcription) : [];
        case "medqa":
            return existsSync(at("medqa", "test.jsonl")) ? readMultipleChoice(at("medqa", "test.jsonl"), ignore).map((r) => r.question) : [];
        case "medmcqa": {
            const file = at("medmcqa", "test_medagentsbench_singlechoice_dev.jsonl");
            return existsSync(file) ? readMultipleChoice(file, ignore).map((r) => r.question) : [];
        }
        default:
            return null;
    }
}
