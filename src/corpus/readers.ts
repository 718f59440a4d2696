/**
 * Source readers: each yields documents {id, text} from one source format, streaming where the format allows
 * (jsonl, plain text and PubMed XML line by line or event by event, so memory stays flat as inputs grow).
 * Malformed records are reported by file and line through `onBad` — never their text — and skipped.
 *   pubmedqa    ori_pqal.json: each entry's CONTEXTS joined (PubMed abstracts)
 *   hoc         a directory of <PMID>.txt abstracts, one sentence per line
 *   csv         clinical notes (MTSamples, MIMIC-III NOTEEVENTS TEXT, MIMIC-IV note): the `column` field
 *   mimic-cxr   a directory tree of report .txt files
 *   jsonl       one JSON object per line with a `field` (RedPajama: "text")
 *   text        plain text; wikitext-style " = Title = " headings start new documents, else one per blank-line block
 *   pubmed-xml  MEDLINE/PubMed baseline XML (.xml or .xml.gz): title + abstract per PubmedArticle (xmlReaders.ts)
 *   pmc-jats    PMC open-access JATS XML: title, abstract, body sections (xmlReaders.ts)
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { FormatError } from "../errors/MellamaError.js";
import { parseJsonlLine } from "../util/readJsonl.js";
import { openMaybeGzip, readJats, readPubmedXml } from "./xmlReaders.js";

export interface Document {
    id: string;
    text: string;
    /** Publication year and language code where the source records them (PubMed, JATS). */
    year?: number;
    language?: string;
}

export type BadRecord = (where: { file: string; line: number; reason: string }) => void;

export type SourceFormat = "pubmedqa" | "hoc" | "csv" | "mimic-cxr" | "jsonl" | "text" | "pubmed-xml" | "pmc-jats";

export interface ReaderOptions {
    format: SourceFormat;
    path: string;
    column?: string;
    field?: string;
    /** Document ids to leave out (e.g. benchmark test items). */
    exclude?: ReadonlySet<string>;
    onBad: BadRecord;
    /** Told the bytes of input read as reading goes (compressed bytes for .gz; sourceBytes is the total). */
    onBytes?: (n: number) => void;
}

export async function* readDocuments(options: ReaderOptions): AsyncGenerator<Document> {
    const { format, path, exclude, onBad, onBytes } = options;
    const keep = (d: Document): boolean => !(exclude?.has(d.id) ?? false);
    switch (format) {
        case "pubmedqa": {
            let json: Record<string, { CONTEXTS?: unknown }>;
            try {
                const bytes = readFileSync(path);
                onBytes?.(bytes.length);
                json = JSON.parse(bytes.toString("utf8")) as typeof json;
            } catch {
                throw new FormatError(path, "json", "is not valid JSON");
            }
            let i = 0;
            for (const [pmid, entry] of Object.entries(json)) {
                i++;
                if (!Array.isArray(entry?.CONTEXTS) || !entry.CONTEXTS.every((c) => typeof c === "string")) {
                    onBad({ file: path, line: i, reason: "entry has no CONTEXTS list of strings" });
                    continue;
                }
                const doc = { id: pmid, text: (entry.CONTEXTS as string[]).join("\n") };
                if (keep(doc)) {
                    yield doc;
                }
            }
            return;
        }
        case "hoc":
        case "mimic-cxr": {
            for (const file of sourceFiles(format, path)) {
                const id = file.slice(path.length + 1).replace(/\.txt$/, "");
                const bytes = readFileSync(file);
                onBytes?.(bytes.length);
                const text = bytes.toString("utf8");
                const doc = { id, text: format === "hoc" ? text.split("\n").filter((l) => l.trim()).join(" ") : text };
                if (keep(doc)) {
                    yield doc;
                }
            }
            return;
        }
        case "csv": {
            const column = options.column ?? "text";
            // Loaded on first use, as saxes is: most builds read no CSV, and every build starts by importing this module.
            const { parse: parseCsv } = await import("csv-parse");
            // A record with a stray quote or the wrong field count is reported by line and skipped, not fatal.
            const parser = openMaybeGzip(path, onBytes).pipe(parseCsv({ columns: true, relax_column_count: true, info: true, skip_empty_lines: true,
                skip_records_with_error: true }));
            // csv-parse raises one skip per fault; a record with two stray quotes is still one bad record.
            let lastBadLine = -1;
            parser.on("skip", (error: { lines?: number; code?: string }) => {
                const line = error.lines ?? 0;
                if (line !== lastBadLine) {
                    lastBadLine = line;
                    onBad({ file: path, line, reason: `malformed CSV record (${error.code ?? "parse error"})` });
                }
            });
            let n = 0;
            try {
                for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
                    n++;
                    const text = record[column];
                    if (typeof text !== "string") {
                        onBad({ file: path, line: info.lines, reason: `no "${column}" column` });
                        continue;
                    }
                    const doc = { id: String(record.note_id ?? record.ROW_ID ?? record.row_id ?? n), text };
                    if (keep(doc)) {
                        yield doc;
                    }
                }
            } catch (error) {
                throw new FormatError(path, `record ${n + 1}`, `malformed CSV (${String((error as Error).message).split(":")[0]})`);
            }
            return;
        }
        case "jsonl": {
            const field = options.field ?? "text";
            let line = 0;
            for await (const raw of createInterface({ input: openMaybeGzip(path, onBytes), crlfDelay: Infinity })) {
                line++;
                const value = parseJsonlLine(raw);
                if (typeof value === "string") {
                    onBad({ file: path, line, reason: value });
                    continue;
                }
                if (value === null) {
                    continue;
                }
                const text = value[field];
                if (typeof text !== "string") {
                    onBad({ file: path, line, reason: `no string "${field}" field` });
                    continue;
                }
                const id = value.id;
                const doc = { id: typeof id === "string" || typeof id === "number" ? String(id) : `${line}`, text };
                if (keep(doc)) {
                    yield doc;
                }
            }
            return;
        }
        case "text": {
            let lines: string[] = [];
            let title = "";
            let count = 0;
            const flush = function* (): Generator<Document> {
                const text = lines.join("\n").trim();
                if (text.length > 0) {
                    count++;
                    yield { id: title || `doc${count}`, text };
                }
                lines = [];
            };
            // Until the first ` = Title = ` heading, a blank line ends a document; from it on (wikitext), headings do.
            let articles = false;
            for await (const raw of createInterface({ input: openMaybeGzip(path, onBytes), crlfDelay: Infinity })) {
                const heading = /^ = ([^=].*[^=]) = $/.exec(raw);
                if (heading) {
                    yield* flush();
                    articles = true;
                    title = heading[1]!.trim();
                    continue;
                }
                if (!articles && raw.trim() === "") {
                    yield* flush();
                    continue;
                }
                lines.push(raw);
            }
            yield* flush();
            return;
        }
        case "pubmed-xml":
            yield* readPubmedXml(path, exclude, onBad, onBytes);
            return;
        case "pmc-jats":
            for (const file of sourceFiles(format, path)) {
                yield* readJats(file, exclude, onBad, onBytes);
            }
            return;
    }
}

/** The bytes readDocuments reads for a source (the files it would open), for a progress bar's total. */
export function sourceBytes(format: SourceFormat, path: string): number {
    return sourceFiles(format, path).reduce((sum, f) => sum + statSync(f).size, 0);
}

/** The files a source's reader opens, in reading order: a directory's for the per-file formats, else the path. */
function sourceFiles(format: SourceFormat, path: string): string[] {
    if (format === "hoc" || format === "mimic-cxr") {
        return listFiles(path, ".txt");
    }
    return format === "pmc-jats" && statSync(path).isDirectory() ? [...listFiles(path, ".xml"), ...listFiles(path, ".nxml")].sort() : [path];
}

function listFiles(dir: string, ext: string): string[] {
    const out: string[] = [];
    for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) {
            out.push(...listFiles(p, ext));
        } else if (name.endsWith(ext)) {
            out.push(p);
        }
    }
    return out;
}
