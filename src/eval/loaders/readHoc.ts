/**
 * Hallmarks of Cancer at document level. BLUE's split tsv (header `index  sentence  labels`; index = "<PMID>_s<i>",
 * labels = comma-joined lowercase hallmarks, empty = none) is grouped into abstracts in file order: text = the
 * sentences joined with a space, labels = the union of the sentence labels (BLUE's eval_hoc.py scores at this
 * level). Also reads the derived jsonl {pmid, text, labels[]}. The answer is the labels in alphabetical order
 * joined with ";" (Me-LLaMA's answer format; its order carries no meaning).
 */
import { readFileSync } from "node:fs";
import { readJsonl } from "../../util/readJsonl.js";
import type { BadRecord } from "./recordErrors.js";

export interface HocRecord {
    pmid: string;
    text: string;
    labels: string[];
}

export function readHoc(file: string, bad: BadRecord, choices: readonly string[]): HocRecord[] {
    const known = new Set(choices);
    if (file.endsWith(".jsonl")) {
        const out: HocRecord[] = [];
        for (const { line, value } of readJsonl(file, bad)) {
            const labels = value.labels;
            if (typeof value.text !== "string" || !Array.isArray(labels) || !labels.every((l) => typeof l === "string" && known.has(l))) {
                bad(line, "needs a string text and labels drawn from the 10 hallmarks");
                continue;
            }
            out.push({ pmid: String(value.pmid ?? out.length), text: value.text, labels: [...new Set(labels as string[])].sort() });
        }
        return out;
    }
    const docs = new Map<string, { sentences: string[]; labels: Set<string> }>();
    let line = 0;
    for (const raw of readFileSync(file, "utf8").split("\n")) {
        line++;
        if (line === 1 || raw.trim() === "") {
            continue;
        }
        const cols = raw.replace(/\r$/, "").split("\t");
        const m = /^(.+)_s\d+$/.exec(cols[0] ?? "");
        if (cols.length !== 3 || m === null) {
            bad(line, "expected `<PMID>_s<i>  sentence  labels`");
            continue;
        }
        const labels = cols[2]!.split(",").map((l) => l.trim()).filter((l) => l !== "");
        if (labels.some((l) => !known.has(l))) {
            bad(line, "a label is not one of the 10 hallmarks");
            continue;
        }
        const pmid = m[1]!;
        let doc = docs.get(pmid);
        if (doc === undefined) {
            doc = { sentences: [], labels: new Set() };
            docs.set(pmid, doc);
        }
        doc.sentences.push(cols[1]!);
        labels.forEach((l) => doc.labels.add(l));
    }
    return [...docs].map(([pmid, d]) => ({ pmid, text: d.sentences.join(" "), labels: [...d.labels].sort() }));
}
