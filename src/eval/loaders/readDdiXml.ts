/**
 * DDI-2013 corpus XML (one file per document: <document><sentence text><entity id charOffset/><pair e1 e2 ddi
 * type/></sentence></document>) turned into relation-classification examples the BLURB way: one example per
 * <pair>, the sentence text with the two target entities' spans replaced by "@DRUG$", labelled "DDI-<type>" or
 * "DDI-false". charOffset is "start-end" with an inclusive end, or "s-e;s-e" for a discontinuous mention, which is
 * replaced from its first start to its last end (what the BLURB tsv shows: a test compares both files pair by pair).
 * Reads a directory (recursively, *.xml in sorted order) or one file.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { SaxesParser } from "saxes";
import { FormatError } from "../../errors/MellamaError.js";
import type { BadRecord } from "./recordErrors.js";

export interface DdiPair {
    id: string;
    sentence: string;
    label: string;
}

interface Entity {
    start: number;
    end: number;
}

function xmlFiles(path: string): string[] {
    if (!statSync(path).isDirectory()) {
        return [path];
    }
    return readdirSync(path).sort().flatMap((name) => {
        const child = join(path, name);
        return statSync(child).isDirectory() ? xmlFiles(child) : name.endsWith(".xml") ? [child] : [];
    });
}

/** "s-e" or "s-e;s-e…" (inclusive ends) as one half-open span from the first start to the last end. */
function parseOffset(value: string): Entity | undefined {
    const spans = value.split(";").map((part) => /^(\d+)-(\d+)$/.exec(part.trim()));
    if (spans.length === 0 || spans.some((m) => m === null)) {
        return undefined;
    }
    const starts = spans.map((m) => Number(m![1]));
    const ends = spans.map((m) => Number(m![2]) + 1);
    return { start: Math.min(...starts), end: Math.max(...ends) };
}

/**
 * The sentence with both entities replaced, rightmost first so earlier offsets stay valid. Overlapping mentions
 * become one "@DRUG-DRUG$" over their union, as BLURB writes them.
 */
export function maskDrugs(text: string, a: Entity, b: Entity): string {
    const [first, second] = a.start <= b.start ? [a, b] : [b, a];
    if (second.start < first.end) {
        return text.slice(0, first.start) + "@DRUG-DRUG$" + text.slice(Math.max(first.end, second.end));
    }
    let out = text.slice(0, second.start) + "@DRUG$" + text.slice(second.end);
    out = out.slice(0, first.start) + "@DRUG$" + out.slice(first.end);
    return out;
}

function readOne(file: string, bad: BadRecord, out: DdiPair[]): void {
    const parser = new SaxesParser({ position: true });
    let sentence: string | undefined;
    let entities = new Map<string, Entity>();
    parser.on("opentag", (tag) => {
        const attr = (name: string): string | undefined => {
            const v = tag.attributes[name];
            return typeof v === "string" ? v : undefined;
        };
        if (tag.name === "sentence") {
            sentence = attr("text") ?? "";
            entities = new Map();
        } else if (tag.name === "entity") {
            const offset = parseOffset(attr("charOffset") ?? "");
            const id = attr("id");
            if (offset === undefined || id === undefined) {
                bad(parser.line, "entity without id or a valid charOffset");
                return;
            }
            entities.set(id, offset);
        } else if (tag.name === "pair") {
            const e1 = entities.get(attr("e1") ?? "");
            const e2 = entities.get(attr("e2") ?? "");
            const id = attr("id");
            const ddi = attr("ddi");
            const type = attr("type");
            if (sentence === undefined || e1 === undefined || e2 === undefined || id === undefined) {
                bad(parser.line, "pair outside a sentence or naming an unknown entity");
                return;
            }
            if (ddi === "true" && type === undefined) {
                bad(parser.line, "pair with ddi=true but no type");
                return;
            }
            if (ddi !== "true" && ddi !== "false") {
                bad(parser.line, "pair whose ddi is neither true nor false");
                return;
            }
            // Line breaks and tabs (as &#13;&#10; in a few sentences) become spaces, one each, as in BLURB's tsv.
            out.push({ id, sentence: maskDrugs(sentence, e1, e2).replace(/[\r\n\t]/g, " "), label: ddi === "true" ? `DDI-${type}` : "DDI-false" });
        }
    });
    parser.on("error", (error) => {
        throw new FormatError(basename(file), `line ${parser.line}`, `malformed XML (${error.message.split("\n")[0]})`);
    });
    parser.write(readFileSync(file, "utf8")).close();
}

export function readDdiXml(path: string, bad: BadRecord): DdiPair[] {
    const out: DdiPair[] = [];
    for (const file of xmlFiles(path)) {
        readOne(file, bad, out);
    }
    return out;
}

export const DDI_LABELS = ["DDI-effect", "DDI-mechanism", "DDI-advise", "DDI-false", "DDI-int"];

/** BLURB's tsv: `pair_id \t sentence-with-@DRUG$ \t label`, no header. */
export function readDdiTsv(file: string, bad: BadRecord): DdiPair[] {
    const out: DdiPair[] = [];
    let line = 0;
    for (const raw of readFileSync(file, "utf8").split("\n")) {
        line++;
        if (raw.trim() === "") {
            continue;
        }
        const cols = raw.replace(/\r$/, "").split("\t");
        if (cols.length !== 3) {
            bad(line, `expected 3 tab-separated columns, found ${cols.length}`);
            continue;
        }
        const [id, sentence, label] = cols as [string, string, string];
        if (!DDI_LABELS.includes(label)) {
            bad(line, "label is not one of the five DDI labels");
            continue;
        }
        out.push({ id, sentence, label });
    }
    return out;
}
