/**
 * Loaded documents kept in memory per (loader, file, size, mtime), so a harness that asks a task for its docs
 * several times (listing, running, scoring) parses each file once. The skipped-record reports of the first load
 * are kept with the docs and replayed to every later caller's onSkip. Callers get a fresh array each time; the
 * docs themselves are shared and must be treated as read-only.
 */
import { statSync } from "node:fs";
import type { Doc } from "../api/Task.js";

export interface SkipReport {
    file: string;
    line: number;
    reason: string;
}

export interface LoadedDocs {
    docs: Doc[];
    skips: SkipReport[];
}

const cache = new Map<string, Promise<LoadedDocs>>();

export async function cachedDocs(loader: string, file: string, load: () => Promise<LoadedDocs>): Promise<LoadedDocs> {
    const stat = statSync(file);
    const key = `${loader}\0${file}\0${stat.size}\0${stat.mtimeMs}`;
    let entry = cache.get(key);
    if (entry === undefined) {
        entry = load();
        cache.set(key, entry);
        // A failed load is not cached: the user fixes the file and retries in the same process.
        entry.catch(() => cache.delete(key));
    }
    const { docs, skips } = await entry;
    return { docs: [...docs], skips };
}

/** Empties the cache (tests that rewrite a file within one mtime tick). */
export function clearDocCache(): void {
    cache.clear();
}
