/** Where a task reads its data: the explicit path option, else `<dataDir>/<default>`; missing data is a typed error. */
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { DatasetMissingError } from "../../errors/DatasetMissingError.js";
import type { LoadOptions } from "../api/Task.js";

export function resolveDataFile(task: string, fetchHint: string, options: LoadOptions, defaultRelative: string): string {
    const path = options.path !== undefined
        ? resolve(options.path)
        : isAbsolute(defaultRelative) ? defaultRelative : join(options.dataDir, defaultRelative);
    if (!existsSync(path)) {
        throw new DatasetMissingError(task, path, fetchHint);
    }
    return path;
}
