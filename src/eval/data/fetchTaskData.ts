/**
 * `mellama data fetch TASK`: downloads a task's public test files (dataSources.ts) into the data directory. Each
 * body is streamed to a temporary name beside the destination while its sha256 is computed, and refused (the
 * temporary deleted) as soon as it passes the file's byte cap: its pinned size, else `maxBytes`. Only a file with
 * the pinned size and sha256 is renamed to its final name, so a failed, corrupted, oversized or interrupted
 * download leaves nothing under that name (and the temporaries of killed runs are swept by the next one). A file
 * already present is kept when its size and sha256 match the pins. `--mirror URL` replaces the origin (https://raw.githubusercontent.com or https://huggingface.co) while
 * keeping the path, for offline mirrors and the tests. Hub parquet files are checked with hyparquet to hold
 * Me-LLaMA's {query, answer, choices, gold} columns.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parquetMetadata, parquetSchema } from "hyparquet";
import { ConfigError, FormatError, MellamaError } from "../../errors/MellamaError.js";
import { sweepStaleTemps } from "../../util/sweepStaleTemps.js";
import type { SourceFile } from "./dataSources.js";
import { GITHUB_SOURCES, hfSource, NOT_FETCHABLE } from "./dataSources.js";

export interface FetchTaskDataOptions {
    task: string;
    dest: string;
    mirror?: string;
    source?: "github" | "hf";
    /** Re-download files that exist with the pinned size and sha256 (default: keep them). */
    force?: boolean;
    /** Byte cap of a file without a pinned size (default DEFAULT_MAX_BYTES); a pinned size is its own cap. */
    maxBytes?: number;
    log?: (line: string) => void;
}

export class DownloadError extends MellamaError {
    public constructor(public readonly url: string, message: string) {
        super("DOWNLOAD", `${url}: ${message}`);
    }
}

/** Cap of a download without a pinned size (the Hub parquet exports): far above any Me-LLaMA test set. */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

export function withMirror(url: string, mirror: string | undefined): string {
    if (mirror === undefined) {
        return url;
    }
    const u = new URL(url);
    return `${mirror.replace(/\/+$/, "")}${u.pathname}${u.search}`;
}

export async function fetchTaskData(options: FetchTaskDataOptions): Promise<string[]> {
    const { task, dest, mirror, source = "github", force = false, maxBytes = DEFAULT_MAX_BYTES,
        log = (l) => process.stderr.write(`${l}\n`) } = options;
    let files: SourceFile[];
    let note: string | undefined;
    if (source === "hf") {
        const f = hfSource(task);
        if (f === undefined) {
            throw new ConfigError("task", `${task} has no Hub dataset (${NOT_FETCHABLE[task] ?? "unknown task"})`);
        }
        files = [f];
        note = `Me-LLaMA layout: evaluate with --task-path ${task}=${join(dest, f.dest)}`;
    } else {
        const entry = GITHUB_SOURCES[task];
        if (entry === undefined) {
            throw new ConfigError("task", `${task} cannot be fetched from GitHub: ${NOT_FETCHABLE[task] ?? `unknown task; fetchable: ${Object.keys(GITHUB_SOURCES).join(", ")}`}`);
        }
        files = entry.files;
        note = entry.note;
    }
    const written: string[] = [];
    for (const file of files) {
        const path = join(dest, file.dest);
        if (!force && existsSync(path) && matchesPins(path, file)) {
            log(`data fetch ${task}: ${file.dest} present (${file.size} bytes, sha256 as pinned), kept`);
            written.push(path);
            continue;
        }
        const url = withMirror(file.url, mirror);
        mkdirSync(dirname(path), { recursive: true });
        const { bytes, sha256 } = await downloadTo(url, path, file, file.size ?? maxBytes);
        log(`data fetch ${task}: ${file.dest} (${bytes} bytes, sha256 ${sha256}${file.sha256 === undefined ? ", not pinned" : ", as pinned"})`);
        written.push(path);
    }
    if (note !== undefined) {
        log(`data fetch ${task}: ${note}`);
    }
    return written;
}

/** Present with the pinned size and sha256 (a file without pins is never taken as present). */
function matchesPins(path: string, file: SourceFile): boolean {
    if (file.size === undefined || file.sha256 === undefined || statSync(path).size !== file.size) {
        return false;
    }
    return createHash("sha256").update(readFileSync(path)).digest("hex") === file.sha256;
}

/**
 * Streams `url` into a temporary beside `path`, then renames it there once size, sha256 (and, for parquet, the
 * columns) are right; on any failure the temporary is removed and `path` is left as it was.
 */
async function downloadTo(url: string, path: string, file: SourceFile, cap: number): Promise<{ bytes: number; sha256: string }> {
    const name = file.dest;
    let response: Response;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error("no complete answer within 300 s")), 300_000);
    try {
        try {
            response = await fetch(url, { signal: abort.signal });
        } catch (error) {
            throw new DownloadError(url, `request failed (${(error as Error).message}); check the network or use --mirror`);
        }
        if (!response.ok) {
            throw new DownloadError(url, `HTTP ${response.status}`);
        }
        const declared = Number(response.headers.get("content-length") ?? Number.NaN);
        if (declared > cap) {
            abort.abort();
            throw new DownloadError(url, `${name}: the server announces ${declared} bytes, over the cap of ${cap} bytes; nothing written`);
        }
        sweepStaleTemps(dirname(path), `.${basename(path)}.tmp-`);
        const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
        const fd = openSync(tmp, "w");
        const hash = createHash("sha256");
        let bytes = 0;
        try {
            if (response.body !== null) {
                for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
                    bytes += chunk.byteLength;
                    if (bytes > cap) {
                        abort.abort();
                        throw new DownloadError(url, `${name}: more than the cap of ${cap} bytes${file.size === undefined ? "" : " (its pinned size)"}; `
                            + "download stopped and nothing kept");
                    }
                    hash.update(chunk);
                    for (let off = 0; off < chunk.byteLength;) {
                        off += writeSync(fd, chunk, off, chunk.byteLength - off);
                    }
                }
            }
            closeSync(fd);
            const sha256 = hash.digest("hex");
            if (file.size !== undefined && bytes !== file.size) {
                throw new DownloadError(url, `${name}: got ${bytes} bytes, expected ${file.size}; nothing kept`);
            }
            if (file.sha256 !== undefined && sha256 !== file.sha256) {
                throw new DownloadError(url, `${name}: sha256 ${sha256} is not the pinned ${file.sha256}; nothing kept`);
            }
            if (file.dest.endsWith(".parquet")) {
                checkMeLlamaParquet(url, readFileSync(tmp));
            }
            renameSync(tmp, path);
            return { bytes, sha256 };
        } catch (error) {
            try {
                closeSync(fd);
            } catch {
                // already closed
            }
            rmSync(tmp, { force: true });
            // mellama's own errors and the system's (ENOSPC while writing) say what happened; anything else is
            // the stream failing under us (a reset connection, the timeout).
            if (error instanceof MellamaError || /^E[A-Z]+$/.test(String((error as NodeJS.ErrnoException).code))) {
                throw error;
            }
            throw new DownloadError(url, `${name}: the download broke off (${(error as Error).message}); nothing kept`);
        }
    } finally {
        clearTimeout(timer);
    }
}

function checkMeLlamaParquet(url: string, bytes: Uint8Array): void {
    let columns: string[];
    try {
        const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        columns = parquetSchema(parquetMetadata(buffer)).children.map((c) => c.element.name);
    } catch (error) {
        throw new FormatError(url, "parquet", `not a readable parquet file (${(error as Error).message})`);
    }
    for (const needed of ["query", "answer"]) {
        if (!columns.includes(needed)) {
            throw new FormatError(url, needed, `column missing; columns are ${columns.join(", ")} (expected Me-LLaMA's query/answer/choices/gold)`);
        }
    }
}
