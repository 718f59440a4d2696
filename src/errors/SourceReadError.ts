/**
 * A corpus source could not be read (missing, unreadable, a directory where a file was expected): the document
 * stage stops; finished shards and their markers are left as they were.
 */
import { MellamaError } from "./MellamaError.js";

export class SourceReadError extends MellamaError {
    public constructor(public readonly source: string, public readonly path: string, reason: string) {
        super("SOURCE_READ", `source "${source}" (${path}): ${reason}; fix the path in the config and rerun (finished shards are kept)`);
    }
}
