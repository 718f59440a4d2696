/**
 * Entity-level precision, recall and F1 with seqeval's default semantics (seqeval.metrics f1_score /
 * precision_score / recall_score, mode=None, average="micro", IOB-style tags "B-X", "I-X", "O" and also E-/S-):
 * - chunks come from seqeval's get_entities: a list of sentences is flattened with an "O" between sentences; a
 *   chunk ends on O, on B-, on a type change, or after E-/S-; a chunk STARTS on B- or S-, on a type change, and
 *   on an I- (or E-) that follows O — so "O I-X I-X" is one entity X, as lenient as the conlleval script;
 * - an entity is (type, start, end); true positives are exact matches; micro average over all types (entityPrf),
 *   or per type and their macro average (entityPrfByType: numpy's mean over the types in sorted order, NaN when
 *   neither side has an entity, as seqeval's average="macro");
 * - 0/0 is 0 (zero_division="warn").
 * Checked against an independent implementation of these definitions (reference/py/make_rouge_seqeval_cases.py).
 */
import { numpyMean } from "./numpyMean.js";

export interface Entity {
    type: string;
    start: number;
    end: number;
}

function split(tag: string): [string, string] {
    const prefix = tag.charAt(0);
    const rest = tag.slice(1);
    // seqeval: type_ = chunk[1:].split("-", maxsplit=1)[-1] or "_"
    const dash = rest.indexOf("-");
    const type = (dash >= 0 ? rest.slice(dash + 1) : rest) || "_";
    return [prefix, type];
}

function endOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
    return prevTag === "E" || prevTag === "S"
        || (prevTag === "B" && (tag === "B" || tag === "S" || tag === "O"))
        || (prevTag === "I" && (tag === "B" || tag === "S" || tag === "O"))
        || (prevTag !== "O" && prevTag !== "." && prevType !== type);
}

function startOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
    return tag === "B" || tag === "S"
        || (prevTag === "E" && (tag === "E" || tag === "I"))
        || (prevTag === "S" && (tag === "E" || tag === "I"))
        || (prevTag === "O" && (tag === "E" || tag === "I"))
        || (tag !== "O" && tag !== "." && prevType !== type);
}

/** seqeval.metrics.sequence_labeling.get_entities for one flat tag sequence. */
export function getEntities(seq: readonly string[]): Entity[] {
    const chunks: Entity[] = [];
    let prevTag = "O";
    let prevType = "";
    let begin = 0;
    const padded = [...seq, "O"];
    for (let i = 0; i < padded.length; i++) {
        const [tag, type] = split(padded[i]!);
        if (endOfChunk(prevTag, tag, prevType, type)) {
            chunks.push({ type: prevType, start: begin, end: i - 1 });
        }
        if (startOfChunk(prevTag, tag, prevType, type)) {
            begin = i;
        }
        prevTag = tag;
        prevType = type;
    }
    return chunks;
}

/** Flattens sentences as seqeval does: each sentence followed by an "O". */
export function flattenSentences(sentences: readonly (readonly string[])[]): string[] {
    return sentences.flatMap((s) => [...s, "O"]);
}

export interface EntityPrf {
    precision: number;
    recall: number;
    f1: number;
    tp: number;
    predicted: number;
    gold: number;
}

function prf(tp: number, predicted: number, gold: number): EntityPrf {
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = gold > 0 ? tp / gold : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, tp, predicted, gold };
}

/** Distinct entities of each side per type, as "start,end" keys. */
type Tags = readonly (readonly string[])[];
interface TypeCounts {
    tp: number;
    predicted: number;
    gold: number;
}

function entitiesByType(golds: Tags, preds: Tags): { gold: Map<string, Set<string>>; pred: Map<string, Set<string>> } {
    if (golds.length !== preds.length || golds.some((g, i) => g.length !== preds[i]!.length)) {
        throw new RangeError("gold and predicted tag sequences differ in shape");
    }
    const group = (entities: Entity[]): Map<string, Set<string>> => {
        const byType = new Map<string, Set<string>>();
        for (const e of entities) {
            let set = byType.get(e.type);
            if (set === undefined) {
                set = new Set();
                byType.set(e.type, set);
            }
            set.add(`${e.start},${e.end}`);
        }
        return byType;
    };
    return { gold: group(getEntities(flattenSentences(golds))), pred: group(getEntities(flattenSentences(preds))) };
}

/** Per-type counts, types in code-unit order (Python's sorted on str). */
function countsByType(golds: Tags, preds: Tags): Map<string, TypeCounts> {
    const { gold, pred } = entitiesByType(golds, preds);
    const types = [...new Set([...gold.keys(), ...pred.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const counts = new Map<string, TypeCounts>();
    for (const type of types) {
        const g = gold.get(type) ?? new Set<string>();
        const p = pred.get(type) ?? new Set<string>();
        let tp = 0;
        for (const k of p) {
            tp += g.has(k) ? 1 : 0;
        }
        counts.set(type, { tp, predicted: p.size, gold: g.size });
    }
    return counts;
}

/** Micro-averaged entity P/R/F1 (seqeval's f1_score and friends with their defaults). */
export function entityPrf(golds: Tags, preds: Tags): EntityPrf {
    let tp = 0;
    let predicted = 0;
    let gold = 0;
    for (const c of countsByType(golds, preds).values()) {
        tp += c.tp;
        predicted += c.predicted;
        gold += c.gold;
    }
    return prf(tp, predicted, gold);
}

export interface EntityPrfByType {
    /** Per entity type, in sorted order (seqeval's classification_report rows). */
    types: Map<string, EntityPrf>;
    /** Unweighted mean of the per-type scores (seqeval's average="macro"); NaN when there are no types. */
    macro: { precision: number; recall: number; f1: number };
}

export function entityPrfByType(golds: Tags, preds: Tags): EntityPrfByType {
    const types = new Map<string, EntityPrf>();
    for (const [type, c] of countsByType(golds, preds)) {
        types.set(type, prf(c.tp, c.predicted, c.gold));
    }
    const rows = [...types.values()];
    return {
        types,
        macro: {
            precision: numpyMean(rows.map((r) => r.precision)),
            recall: numpyMean(rows.map((r) => r.recall)),
            f1: numpyMean(rows.map((r) => r.f1)),
        },
    };
}
