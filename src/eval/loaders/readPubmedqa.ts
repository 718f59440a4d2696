/**
 * PubMedQA PQA-L: ori_pqal.json is a dict keyed by PMID {QUESTION, CONTEXTS[], final_decision, …}; the official
 * test split is the 500 PMIDs of test_ground_truth.json beside it ({PMID: yes|no|maybe}). Without that file every
 * labelled entry is returned (the instruction builder uses the non-test 500 as the supervised train split).
 * Records come in the source files' order (test: test_ground_truth.json's), as the paper's harness iterates them,
 * so `--limit` keeps the same documents; JavaScript would otherwise list the numeric PMID keys sorted.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import { jsonObjectKeys } from "../../util/jsonObjectKeys.js";
import type { BadRecord } from "./recordErrors.js";
import { isObject, needString, needStringList, RecordRejected } from "./recordErrors.js";

export interface PubmedqaRecord {
    pmid: string;
    question: string;
    contexts: string[];
    finalDecision: string;
}

export type PubmedqaSplit = "test" | "train" | "all";

const DECISIONS = new Set(["yes", "no", "maybe"]);

/** The object and its keys in file order. */
function readJsonObject(file: string): { value: Record<string, unknown>; keys: string[] } {
    const text = readFileSync(file, "utf8");
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw new FormatError(basename(file), "(file)", "not valid JSON");
    }
    if (!isObject(value)) {
        throw new FormatError(basename(file), "(file)", "expected a JSON object keyed by PMID");
    }
    return { value, keys: jsonObjectKeys(text) };
}

/**
 * Records of the split. JSON dicts have no lines, so malformed entries are reported with their 1-based entry
 * number in the file as the line.
 */
export function readPubmedqa(file: string, bad: BadRecord, split: PubmedqaSplit = "test"): PubmedqaRecord[] {
    const { value: pqal, keys: pqalKeys } = readJsonObject(file);
    const truthFile = join(dirname(file), "test_ground_truth.json");
    const truthJson = split !== "all" && existsSync(truthFile) ? readJsonObject(truthFile) : undefined;
    const truth = truthJson?.value;
    const entries: [string, unknown][] = pqalKeys.map((pmid) => [pmid, pqal[pmid]]);
    const position = new Map(entries.map(([pmid], i) => [pmid, i + 1]));
    let selected: [string, unknown][];
    if (truth === undefined) {
        selected = entries;
    } else if (split === "test") {
        selected = truthJson!.keys.map((pmid) => [pmid, pqal[pmid]]);
    } else {
        selected = entries.filter(([pmid]) => !(pmid in truth));
    }
    const out: PubmedqaRecord[] = [];
    for (const [pmid, entry] of selected) {
        const line = position.get(pmid) ?? 0;
        try {
            if (!isObject(entry)) {
                throw new RecordRejected(`PMID ${pmid} has no entry in ${basename(file)}`);
            }
            const finalDecision = truth !== undefined && split === "test" ? String(truth[pmid]) : needString(entry, "final_decision");
            if (!DECISIONS.has(finalDecision)) {
                throw new RecordRejected(`PMID ${pmid}: final_decision is not yes, no or maybe`);
            }
            out.push({ pmid, question: needString(entry, "QUESTION"), contexts: needStringList(entry, "CONTEXTS"), finalDecision });
        } catch (error) {
            if (!(error instanceof RecordRejected)) {
                throw error;
            }
            bad(line, error.message);
        }
    }
    return out;
}
