import { MellamaError } from "./MellamaError.js";

/** A task's data file is not where the task looked: names the task, the path and the command that fetches it. */
export class DatasetMissingError extends MellamaError {
    public constructor(public readonly task: string, public readonly path: string, public readonly fetchHint: string) {
        super("DATASET_MISSING", `task ${task}: no data at ${path}. Fetch it with \`${fetchHint}\` `
            + "or point MELLAMA_DATA (or the task's path option) at a copy.");
    }
}
