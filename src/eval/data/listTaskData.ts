/**
 * Which evaluation tasks have their data, and where it is looked for: every task's documents are loaded (the
 * same loaders `eval` uses, malformed records skipped and counted) and a missing dataset is reported with the
 * path and fetch hint of its DatasetMissingError, so `mellama data list` answers "why was this task skipped?".
 */
import { DatasetMissingError } from "../../errors/DatasetMissingError.js";
import { listTasks } from "../tasks/registry.js";

export interface TaskDataStatus {
    task: string;
    /** Test documents loaded; null when the data is missing. */
    docs: number | null;
    /** Train documents for few-shot; null when the task has no train split or it is missing. */
    trainDocs: number | null;
    /** Malformed records skipped while loading. */
    skipped: number;
    /** Why the data is missing (the path looked at and how to fetch it); undefined when present. */
    missing?: string;
}

export async function listTaskData(dataDir: string): Promise<TaskDataStatus[]> {
    const out: TaskDataStatus[] = [];
    for (const task of listTasks()) {
        let skipped = 0;
        const options = { dataDir, onError: "skip" as const, onSkip: (): void => { skipped++; } };
        try {
            const docs = (await task.loadDocs(options)).length;
            let trainDocs: number | null = null;
            if (task.loadTrainDocs !== undefined) {
                trainDocs = await task.loadTrainDocs(options).then((d) => d.length, (error: unknown) => {
                    if (error instanceof DatasetMissingError) {
                        return null;
                    }
                    throw error;
                });
            }
            out.push({ task: task.name, docs, trainDocs, skipped });
        } catch (error) {
            if (!(error instanceof DatasetMissingError)) {
                throw error;
            }
            out.push({ task: task.name, docs: null, trainDocs: null, skipped, missing: error.message });
        }
    }
    return out;
}
