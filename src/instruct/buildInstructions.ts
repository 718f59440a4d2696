/**
 * Builds an instruction-tuning set the way Me-LLaMA's preprocess_instruct.py does: each record filled into its
 * source's template, ShareGPT-style conversations `{id, conversations: [{from: "human"}, {from: "agent"}], text}`
 * (and Alpaca `{instruction, input, output}` on request), each source shuffled with a seed and cut to its count,
 * the mixture shuffled again, and every example checked against the evaluation test sets (n-gram overlap) so
 * that no test item leaks into training. Files are written atomically; the returned report gives the counts.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../errors/MellamaError.js";
import { atomicWriteFileSync } from "../util/atomicWrite.js";
import { Rng } from "../util/rng.js";
import { LeakIndex } from "./decontaminate.js";
import type { InstructConfig } from "./InstructConfig.js";
import { getInstructionSource, INSTRUCTION_SOURCES, MissingFieldError } from "./instructionSources.js";
import { pyFormat } from "./pyFormat.js";
import { readRecords } from "./readRecords.js";

export interface InstructionExample {
    id: string;
    source: string;
    prompt: string;
    answer: string;
    /** The filled-in content (input and context, not the template): what the leakage check compares. */
    content: string;
}

/** A benchmark train split, already rendered with the evaluation task's prompt. */
export interface BenchmarkTrainSplit {
    examples: { prompt: string; answer: string; content: string }[];
    /** The task's fixed instruction text, whose n-grams never count as leakage. */
    templateTexts: string[];
}

export interface BuildInstructionsOptions {
    config: InstructConfig;
    /** Resolves relative source paths. */
    baseDir?: string;
    /** Loads a benchmark task's train split (wired to the evaluation tasks by the CLI). */
    loadBenchmarkTrain?: (task: string) => Promise<BenchmarkTrainSplit>;
    /** Test documents to check against, per task (wired to the evaluation tasks by the CLI). */
    loadTestTexts?: (tasks: "all" | string[]) => Promise<{ task: string; texts: string[]; templateTexts: string[] }[]>;
    /** Called for malformed records (file and line only). */
    onSkip?: (where: { file: string; line: number; reason: string }) => void;
}

export interface SourceReport {
    source: string;
    available: number;
    requested: number | null;
    written: number;
    leaked: number;
    /** Examples sharing at least one n-gram with a test document (the GPT-3 criterion), leaking or not. */
    overlapping: number;
    skipped: number;
}

export interface InstructReport {
    output: string;
    files: string[];
    total: number;
    leakedTotal: number;
    leakAction: "drop" | "report";
    testTasksChecked: string[];
    sources: SourceReport[];
}

export async function buildInstructions({ config, baseDir = ".", loadBenchmarkTrain, loadTestTexts, onSkip }: BuildInstructionsOptions): Promise<InstructReport> {
    const rng = new Rng(config.seed);
    const reports: SourceReport[] = [];
    const perSource: InstructionExample[][] = [];
    const templateTexts: string[] = INSTRUCTION_SOURCES.map((s) => s.prompt.replace(/\{[a-z]+\}/g, " "));

    for (const [i, src] of config.sources.entries()) {
        const field = `sources.${i}`;
        let examples: { prompt: string; answer: string; content: string }[];
        let skipped = 0;
        let name: string;
        if (src.name !== undefined) {
            name = src.name;
            const source = getInstructionSource(src.name);
            if (source === undefined) {
                throw new ConfigError(`${field}.name`, `unknown source "${src.name}"; known: ${INSTRUCTION_SOURCES.map((s) => s.name).join(", ")}`);
            }
            if (src.path === undefined) {
                throw new ConfigError(`${field}.path`, `source ${src.name} needs a path to its records (fields: ${source.reads.join(", ")})`);
            }
            const path = resolve(baseDir, src.path);
            examples = [];
            const records = readRecords({ path, format: src.format, onError: config.onError, onSkip: (w) => { skipped++; onSkip?.(w); } });
            for (const { record, line } of records) {
                try {
                    const filled = source.extract(record);
                    if (filled === null) {
                        skipped++;
                        onSkip?.({ file: path, line, reason: "record has no answer" });
                        continue;
                    }
                    examples.push({ prompt: pyFormat(source.prompt, filled.fields), answer: filled.answer, content: Object.values(filled.fields).join("\n") });
                } catch (error) {
                    if (!(error instanceof MissingFieldError)) {
                        throw error;
                    }
                    if (config.onError === "fail") {
                        throw new ConfigError(`${path}:${line}`, error.message);
                    }
                    skipped++;
                    onSkip?.({ file: path, line, reason: error.message });
                }
            }
        } else {
            name = src.benchmark!;
            if (loadBenchmarkTrain === undefined) {
                throw new ConfigError(`${field}.benchmark`, "benchmark sources need the evaluation tasks (run through `mellama instruct build`)");
            }
            const split = await loadBenchmarkTrain(name);
            examples = split.examples;
            templateTexts.push(...split.templateTexts);
        }
        // Me-LLaMA: random.shuffle, then truncate to limit. Up-sampling draws with replacement past the end.
        rng.shuffle(examples);
        let chosen = examples;
        if (src.count !== undefined) {
            if (src.count <= examples.length) {
                chosen = examples.slice(0, src.count);
            } else if (src.upsample && examples.length > 0) {
                chosen = [...examples];
                while (chosen.length < src.count) {
                    chosen.push(examples[rng.int(examples.length)]!);
                }
            }
        }
        perSource.push(chosen.map((e, k) => ({ id: `${name}${k}`, source: name, prompt: e.prompt, answer: e.answer, content: e.content })));
        reports.push({ source: name, available: examples.length, requested: src.count ?? null, written: 0, leaked: 0, overlapping: 0, skipped });
    }

    // Test texts first: their tasks' fixed instructions join the ignore list before the index is built.
    const checked: string[] = [];
    const testSets = loadTestTexts === undefined ? [] : await loadTestTexts(config.decontaminate.tasks);
    for (const set of testSets) {
        templateTexts.push(...set.templateTexts);
        checked.push(set.task);
    }
    const index = new LeakIndex({ n: config.decontaminate.ngram, ignore: templateTexts });
    for (const set of testSets) {
        for (const text of set.texts) {
            index.addTest(text);
        }
    }

    const kept: InstructionExample[] = [];
    perSource.forEach((examples, i) => {
        const report = reports[i]!;
        for (const example of examples) {
            const overlap = index.size > 0 ? index.overlap(example.content) : 0;
            if (overlap > 0) {
                report.overlapping++;
            }
            if (overlap > 0 && overlap >= config.decontaminate.minOverlap) {
                report.leaked++;
                if (config.decontaminate.action === "drop") {
                    continue;
                }
            }
            kept.push(example);
            report.written++;
        }
    });
    rng.shuffle(kept);

    const outDir = resolve(baseDir, config.output);
    mkdirSync(outDir, { recursive: true });
    const files: string[] = [];
    if (config.formats.includes("sharegpt")) {
        const path = join(outDir, "instructions.jsonl");
        atomicWriteFileSync(path, kept.map((e) => `${JSON.stringify({
            id: e.id, conversations: [{ from: "human", value: e.prompt }, { from: "agent", value: e.answer }], text: e.prompt,
        })}\n`).join(""));
        files.push(path);
    }
    if (config.formats.includes("alpaca")) {
        const path = join(outDir, "instructions.alpaca.jsonl");
        atomicWriteFileSync(path, kept.map((e) => `${JSON.stringify({ instruction: e.prompt, input: "", output: e.answer })}\n`).join(""));
        files.push(path);
    }
    const report: InstructReport = {
        output: outDir, files, total: kept.length,
        leakedTotal: reports.reduce((a, r) => a + r.leaked, 0),
        leakAction: config.decontaminate.action, testTasksChecked: checked, sources: reports,
    };
    const reportPath = join(outDir, "instruct_report.json");
    atomicWriteFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    return report;
}
