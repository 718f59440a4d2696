/**
 * `mellama data fetch TASK`: downloads a task's public test files (dataSources.ts) into the data directory,
 * verifying sizes where known and writing each file atomically (a failed or interrupted download leaves no partial
 * file). `--mirror URL` replaces the origin (https://raw.githubusercontent.com or https://huggingface.co) while
 * keeping the path, for offline mirrors and the tests. Hub parquet files are checked with hyparquet to hold
 * Me-LLaMA's {query, answer, choices, gold} columns.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { parquetMetadata, parquetSchema } from "hyparquet";
import { ConfigError, FormatError, MellamaError } from "../../errors/MellamaError.js";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";
import type { SourceFile } from "./dataSources.js";
import { GITHUB_SOURCES, hfSource, NOT_FETCHABLE } from "./dataSources.js";

export interface FetchTaskDataOptions {
    task: string;
    dest: string;
    mirror?: string;
    source?: "github" | "hf";
    /** Re-download files that exist with the right size (default: keep them). */
    force?: boolean;
    log?: (line: string) => void;
}

export class DownloadError extends MellamaError {
    public constructor(public readonly url: string, message: string) {
        super("DOWNLOAD", `${url}: ${message}`);
    }
}

export function withMirror(url: string, mirror: string | undefined): string {
    if (mirror === undefined) {
        return url;
    }
    const u = new URL(url);
    return `${mirror.replace(/\/+$/, "")}${u.pathname}${u.search}`;
}

export async function fetchTaskData(options: FetchTaskDataOptions): Promise<string[]> {
    const { task, dest, mirror, source = "github", force = false, log = (l) => process.stderr.write(`${l}\n`) } = options;
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
        if (!force && existsSync(path) && file.size !== undefined && statSync(path).size === file.size) {
            log(`data fetch ${task}: ${file.dest} present (${file.size} bytes), kept`);
            written.push(path);
            continue;
        }
        const url = withMirror(file.url, mirror);
        const bytes = await download(url);
        if (file.size !== undefined && bytes.byteLength !== file.size) {
            throw new DownloadError(url, `got ${bytes.byteLength} bytes, expected ${file.size}; nothing written`);
        }
        if (file.dest.endsWith(".parquet")) {
            checkMeLlamaParquet(url, bytes);
        }
        mkdirSync(dirname(path), { recursive: true });
        atomicWriteFileSync(path, bytes);
        log(`data fetch ${task}: ${file.dest} (${bytes.byteLength} bytes)`);
        written.push(path);
    }
    if (note !== undefined) {
        log(`data fetch ${task}: ${note}`);
    }
    return written;
}

async function download(url: string): Promise<Uint8Array> {
    let response: Response;
    try {
        response = await fetch(url, { signal: AbortSignal.timeout(300_000) });
    } catch (error) {
        throw new DownloadError(url, `request failed (${(error as Error).message}); check the network or use --mirror`);
    }
    if (!response.ok) {
        throw new DownloadError(url, `HTTP ${response.status}`);
    }
    return new Uint8Array(await response.arrayBuffer());
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
