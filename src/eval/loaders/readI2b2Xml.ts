/**
 * The i2b2 XML annotation layout (2012 temporal-relations release; n2c2 DUA):
 *   <ClinicalNarrativeTemporalAnnotation><TEXT><![CDATA[...]]></TEXT><TAGS>
 *     <EVENT id start end text type="PROBLEM|TEST|TREATMENT|…" …/> <TIMEX3 …/> <TLINK …/> …</TAGS>…
 * with character offsets into TEXT (end exclusive, as bigbio's loader slices them). Each line of TEXT that holds
 * at least one PROBLEM/TEST/TREATMENT event becomes a record in Me-LLaMA's inline-HTML gold form (the same as
 * readI2b2Concepts.ts). Other event types (OCCURRENCE, EVIDENTIAL, CLINICAL_DEPT), TIMEX3 and links are ignored.
 * Events spanning a line break or overlapping an earlier event are malformed records (reported by XML line).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { SaxesParser } from "saxes";
import { FormatError } from "../../errors/MellamaError.js";
import type { I2b2Sentence } from "./readI2b2Concepts.js";
import { escapeHtml } from "./readI2b2Concepts.js";
import type { BadRecord } from "./recordErrors.js";

interface Event {
    start: number;
    end: number;
    type: string;
    xmlLine: number;
}

const TYPES = new Set(["problem", "test", "treatment"]);

function parse(file: string, bad: BadRecord): { text: string; events: Event[] } {
    const parser = new SaxesParser({ position: true });
    let text = "";
    let inText = false;
    const events: Event[] = [];
    parser.on("opentag", (tag) => {
        if (tag.name === "TEXT") {
            inText = true;
        } else if (tag.name === "EVENT") {
            const type = String(tag.attributes.type ?? "").toLowerCase();
            const start = Number(tag.attributes.start);
            const end = Number(tag.attributes.end);
            if (!TYPES.has(type)) {
                return;
            }
            if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) {
                bad(parser.line, "EVENT without integer start < end");
                return;
            }
            events.push({ start, end, type, xmlLine: parser.line });
        }
    });
    parser.on("closetag", (tag) => {
        if (tag.name === "TEXT") {
            inText = false;
        }
    });
    parser.on("text", (t) => { if (inText) { text += t; } });
    parser.on("cdata", (t) => { if (inText) { text += t; } });
    parser.on("error", (error) => {
        throw new FormatError(basename(file), `line ${parser.line}`, `malformed XML (${error.message.split("\n")[0]})`);
    });
    parser.write(readFileSync(file, "utf8")).close();
    return { text, events };
}

function readOne(file: string, bad: BadRecord, out: I2b2Sentence[]): void {
    const { text, events } = parse(file, bad);
    events.sort((a, b) => a.start - b.start);
    let lineStart = 0;
    let e = 0;
    const lines = text.split("\n");
    lines.forEach((line, index) => {
        const lineEnd = lineStart + line.length;
        const pieces: string[] = [];
        let cursor = lineStart;
        let tagged = 0;
        for (; e < events.length && events[e]!.start < lineEnd; e++) {
            const ev = events[e]!;
            if (ev.end > lineEnd || ev.start < cursor) {
                bad(ev.xmlLine, ev.end > lineEnd ? "EVENT spans a line break" : "EVENT overlaps an earlier one");
                continue;
            }
            pieces.push(escapeHtml(text.slice(cursor, ev.start)));
            pieces.push(`<span class="${ev.type}">${escapeHtml(text.slice(ev.start, ev.end))}</span>`);
            cursor = ev.end;
            tagged++;
        }
        if (tagged > 0) {
            pieces.push(escapeHtml(text.slice(cursor, lineEnd)));
            out.push({ id: `${basename(file, ".xml")}:${index + 1}`, text: line, html: pieces.join("") });
        }
        lineStart = lineEnd + 1;
    });
}

export function readI2b2Xml(path: string, bad: BadRecord): I2b2Sentence[] {
    const files = statSync(path).isDirectory()
        ? readdirSync(path).filter((n) => n.endsWith(".xml")).sort().map((n) => join(path, n))
        : [path];
    const out: I2b2Sentence[] = [];
    for (const file of files) {
        readOne(file, bad, out);
    }
    return out;
}
