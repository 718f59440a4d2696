/**
 * The one CSV/TSV parse for whole files (eval loaders, instruction sources): a malformed record (a stray quote,
 * the wrong field count) goes to `bad(line, reason)` and is left out, so `--on-error skip` skips it and `fail`
 * (a `bad` that throws) stops there. Reasons name the defect by csv-parse's code, never the record: csv-parse's own
 * messages and error objects quote the field, and the fields are clinical text.
 */
import { parse, type Options } from "csv-parse/sync";
import { FormatError } from "../errors/MellamaError.js";

export interface CsvRow {
    record: Record<string, string>;
    /** Line of the record's end (records span lines). */
    line: number;
}

export type CsvOptions = Pick<Options, "delimiter" | "quote" | "relax_column_count" | "skip_empty_lines">;

export function parseCsv(file: string, text: string | Buffer, options: CsvOptions, bad: (line: number, reason: string) => void): CsvRow[] {
    let lastBadLine = -1;
    const skipped: { line: number; code: string }[] = [];
    let rows: { record: Record<string, string>; info: { lines: number } }[];
    try {
        rows = parse(text, {
            skip_empty_lines: true, ...options, columns: true, info: true, skip_records_with_error: true,
            on_skip: (error: { lines?: number; code?: string } | undefined) => {
                // One report per record, however many faults it has.
                const line = error?.lines ?? 0;
                if (line !== lastBadLine) {
                    lastBadLine = line;
                    skipped.push({ line, code: error?.code ?? "parse error" });
                }
            },
        }) as typeof rows;
    } catch (error) {
        const e = error as { code?: string; lines?: number };
        throw new FormatError(file, `line ${e.lines ?? "?"}`, `malformed CSV (${e.code ?? "parse error"}); the rest of the file cannot be read`);
    }
    // Reported after parsing so that a `bad` that throws (on-error fail) throws from here, not inside csv-parse.
    for (const s of skipped) {
        bad(s.line, `malformed CSV record (${s.code})`);
    }
    return rows.map(({ record, info }) => ({ record, line: info.lines }));
}
