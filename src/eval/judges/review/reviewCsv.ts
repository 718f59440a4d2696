/**
 * The review CSV (RFC 4180: comma-separated, fields quoted when they hold a comma, quote or line break, quotes
 * doubled; UTF-8; header row CSV_COLUMNS). One row per candidate: pack, reviewer, item, rank, candidate (for
 * reading only), verdict (exact / equivalent / related / wrong, blank until graded), comment (free text,
 * optional). The browser form writes the same format with the same quoting (renderReviewForm.ts).
 */
import { CSV_COLUMNS } from "./ReviewKey.js";

export function csvField(value: string): string {
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export interface ReviewRow {
    pack: string;
    reviewer: string;
    item: string;
    rank: number;
    candidate: string;
    verdict: string;
    comment: string;
}

export function reviewCsv(rows: readonly ReviewRow[]): string {
    return `${CSV_COLUMNS.join(",")}\r\n${rows.map((r) => CSV_COLUMNS.map((c) => csvField(String(r[c]))).join(",")).join("\r\n")}\r\n`;
}

export interface CsvRecord {
    /** 1-based line where the record starts. */
    line: number;
    fields: string[];
}

/**
 * RFC 4180 records with the line each starts on (a quoted field may span lines), a leading BOM dropped, blank
 * lines skipped. An unterminated quote is reported as the record's problem instead of swallowing the file.
 */
export function parseCsvRecords(text: string): { records: CsvRecord[]; unterminatedAt?: number } {
    const records: CsvRecord[] = [];
    let fields: string[] = [];
    let field = "";
    let quoted = false;
    let line = 1;
    let start = 1;
    let touched = false;
    const end = (): void => {
        fields.push(field);
        if (touched || fields.length > 1 || field !== "") {
            records.push({ line: start, fields });
        }
        fields = [];
        field = "";
        touched = false;
    };
    for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
        const ch = text[i]!;
        if (quoted) {
            if (ch === '"') {
                if (text[i + 1] === '"') {
                    field += '"';
                    i++;
                } else {
                    quoted = false;
                }
            } else {
                if (ch === "\n") {
                    line++;
                }
                field += ch;
            }
        } else if (ch === '"') {
            quoted = true;
            touched = true;
        } else if (ch === ",") {
            fields.push(field);
            field = "";
            touched = true;
        } else if (ch === "\n" || ch === "\r") {
            if (ch === "\r" && text[i + 1] === "\n") {
                i++;
            }
            end();
            line++;
            start = line;
        } else {
            field += ch;
            touched = true;
        }
    }
    if (quoted) {
        return { records, unterminatedAt: start };
    }
    if (touched || field !== "" || fields.length > 0) {
        end();
    }
    return { records };
}
