/**
 * The 2010 i2b2/VA concept-extraction release: for each note a `<name>.txt` (one sentence per line, tokens
 * separated by single spaces) and a `<name>.con` with one concept per line,
 *   c="chest x-ray" 12:3 12:5||t="test"
 * (line 1-based, token offsets 0-based and inclusive; types problem, treatment, test). The .con files may sit
 * beside the .txt files or in a sibling `concept/` folder next to `txt/`. Each sentence with at least one concept
 * becomes a record whose gold is Me-LLaMA's inline HTML: the sentence's tokens joined by spaces, each concept
 * wrapped in <span class="type">…</span>. Which sentences Me-LLaMA kept is UNVERIFIED (docs/tasks/i2b2.md).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { BadRecord } from "./recordErrors.js";

export interface I2b2Sentence {
    id: string;
    text: string;
    html: string;
}

interface Concept {
    line: number;
    start: number;
    end: number;
    type: string;
}

const CONCEPT = /^c="(.*)" (\d+):(\d+) (\d+):(\d+)\|\|t="([a-z]+)"\s*$/;

export function escapeHtml(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function conFileFor(txt: string): string {
    const name = basename(txt).replace(/\.txt$/, ".con");
    const beside = join(dirname(txt), name);
    return existsSync(beside) ? beside : join(dirname(dirname(txt)), "concept", name);
}

function readConcepts(file: string, bad: BadRecord): Concept[] {
    const out: Concept[] = [];
    readFileSync(file, "utf8").split("\n").forEach((raw, i) => {
        if (raw.trim() === "") {
            return;
        }
        const m = CONCEPT.exec(raw.replace(/\r$/, ""));
        if (m === null || m[2] !== m[4]) {
            bad(i + 1, "not a single-line concept `c=\"…\" L:S L:E||t=\"type\"`");
            return;
        }
        out.push({ line: Number(m[2]), start: Number(m[3]), end: Number(m[5]), type: m[6]! });
    });
    return out;
}

function readNote(txt: string, bad: BadRecord, out: I2b2Sentence[]): void {
    const con = conFileFor(txt);
    if (!existsSync(con)) {
        bad(0, `no concept file for ${basename(txt)}`);
        return;
    }
    const lines = readFileSync(txt, "utf8").split("\n").map((l) => l.replace(/\r$/, ""));
    const byLine = new Map<number, Concept[]>();
    for (const c of readConcepts(con, bad)) {
        const tokens = lines[c.line - 1]?.split(" ");
        if (tokens === undefined || c.start > c.end || c.end >= tokens.length) {
            bad(c.line, `concept offsets outside its sentence in ${basename(con)}`);
            continue;
        }
        byLine.set(c.line, [...byLine.get(c.line) ?? [], c]);
    }
    const note = basename(txt, ".txt");
    for (const [lineNo, concepts] of [...byLine].sort((x, y) => x[0] - y[0])) {
        const tokens = lines[lineNo - 1]!.split(" ");
        concepts.sort((x, y) => x.start - y.start);
        const pieces: string[] = [];
        let t = 0;
        for (const c of concepts) {
            if (c.start < t) {
                bad(lineNo, `overlapping concepts in ${basename(con)}`);
                continue;
            }
            pieces.push(...tokens.slice(t, c.start).map(escapeHtml));
            pieces.push(`<span class="${c.type}">${tokens.slice(c.start, c.end + 1).map(escapeHtml).join(" ")}</span>`);
            t = c.end + 1;
        }
        pieces.push(...tokens.slice(t).map(escapeHtml));
        out.push({ id: `${note}:${lineNo}`, text: tokens.join(" "), html: pieces.filter((p) => p !== "").join(" ") });
    }
}

function txtFiles(path: string): string[] {
    if (!statSync(path).isDirectory()) {
        return [path];
    }
    const inTxt = join(path, "txt");
    const dir = existsSync(inTxt) && statSync(inTxt).isDirectory() ? inTxt : path;
    return readdirSync(dir).filter((n) => n.endsWith(".txt")).sort().map((n) => join(dir, n));
}

export function readI2b2Concepts(path: string, bad: BadRecord): I2b2Sentence[] {
    const out: I2b2Sentence[] = [];
    for (const txt of txtFiles(path)) {
        readNote(txt, bad, out);
    }
    return out;
}
