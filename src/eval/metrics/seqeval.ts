/**
 * Entity-level precision, recall and F1 with seqeval's default semantics (seqeval.metrics f1_score /
 * precision_score / recall_score, mode=None, average="micro", IOB-style tags "B-X", "I-X", "O" and also E-/S-):
 * - chunks come from seqeval's get_entities: a list of sentences is flattened with an "O" between sentences; a
 *   chunk ends on O, on B-, on a type change, or after E-/S-; a chunk STARTS on B- or S-, on a type change, and
 *   on an I- (or E-) that follows O — so "O I-X I-X" is one entity X, as lenient as the conlleval script;
 * - an entity is (type, start, end); true positives are exact matches; micro average over all types;
 * - 0/0 is 0 (zero_division="warn").
 */
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

export function entityPrf(golds: readonly (readonly string[])[], preds: readonly (readonly string[])[]): EntityPrf {
    if (golds.length !== preds.length || golds.some((g, i) => g.length !== preds[i]!.length)) {
        throw new RangeError("gold and predicted tag sequences differ in shape");
    }
    const key = (e: Entity): string => `${e.type}\0${e.start}\0${e.end}`;
    const goldEntities = getEntities(flattenSentences(golds));
    const predEntities = getEntities(flattenSentences(preds));
    const goldSet = new Set(goldEntities.map(key));
    const tp = new Set(predEntities.map(key).filter((k) => goldSet.has(k))).size;
    const predicted = new Set(predEntities.map(key)).size;
    const gold = goldSet.size;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = gold > 0 ? tp / gold : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, tp, predicted, gold };
}
