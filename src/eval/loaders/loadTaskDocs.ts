/**
 * The common path of every task's loadDocs: find the file (typed error when missing), read it in Me-LLaMA's own
 * {query, answer, choices, gold} layout when it is one (.parquet, or .jsonl records with a `query`), otherwise
 * with the task's reader for the original format, and keep the result in memory per file.
 */
import type { Doc, LoadOptions } from "../api/Task.js";
import type { SkipReport } from "./docCache.js";
import { cachedDocs } from "./docCache.js";
import { isMeLlamaLayout, readMeLlamaLayout } from "./readMeLlamaLayout.js";
import type { BadRecord } from "./recordErrors.js";
import { recordErrors } from "./recordErrors.js";
import { resolveDataFile } from "./resolveDataFile.js";

export interface TaskSource {
    task: string;
    fetchHint: string;
    /** Default location relative to the data directory. */
    defaultPath: string;
    /** Reads the original format. */
    read(file: string, bad: BadRecord): Promise<Doc[]> | Doc[];
}

export async function loadTaskDocs(source: TaskSource, options: LoadOptions): Promise<Doc[]> {
    const file = resolveDataFile(source.task, source.fetchHint, options, source.defaultPath);
    const layout = isMeLlamaLayout(file);
    const key = `${source.task}:${layout ? "me-llama" : "original"}:${options.onError}`;
    const { docs, skips } = await cachedDocs(key, file, async () => {
        const reports: SkipReport[] = [];
        const bad = recordErrors(file, { onError: options.onError, onSkip: (where) => reports.push(where) });
        const loaded = await (layout ? readMeLlamaLayout(file, source.task, bad) : source.read(file, bad));
        return { docs: loaded, skips: reports };
    });
    for (const where of skips) {
        options.onSkip?.(where);
    }
    return docs;
}
