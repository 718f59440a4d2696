/**
 * Me-LLaMA's i2b2 NER scoring input (vital_measure.py NER.html2bio): both the model's HTML and the gold HTML
 * become (word, BIO tag) sequences — top-level text split on whitespace and tagged O; each top-level element's
 * text tokenised (spaCy in the paper, spacyLikeTokenize here) and tagged B-/I-<class> when its first class is
 * one of problem/treatment/test/drug, else O — and the two sequences are aligned token by token (alignTokens).
 *
 * Paper alignment quirks, kept: when neither token is a prefix of the other BOTH are dropped (one missing word
 * desynchronises the rest of the sentence), and a prefix match carries the longer token's remainder forward
 * with its B- turned into I-.
 */
import { parseTopLevel } from "./htmlTopLevel.js";
import { pySplit } from "./pyText.js";
import { spacyLikeTokenize } from "./spacyLikeTokenize.js";

export const NER_ENTITY_TYPES = ["problem", "treatment", "test", "drug"];

export type Tagged = [word: string, tag: string];

export function htmlToTagged(html: string, tokenize: (text: string) => string[] = spacyLikeTokenize): Tagged[] {
    const out: Tagged[] = [];
    for (const node of parseTopLevel(html)) {
        if (node.kind === "text") {
            for (const word of pySplit(node.text)) {
                out.push([word, "O"]);
            }
            continue;
        }
        const entity = node.className !== undefined && NER_ENTITY_TYPES.includes(node.className) ? node.className : undefined;
        tokenize(node.text).forEach((word, i) => {
            out.push([word, entity === undefined ? "O" : `${i === 0 ? "B" : "I"}-${entity}`]);
        });
    }
    return out;
}

/** vital_measure.py align_tokens: returns [word, tag1, tag2] triples. Inputs are not modified. */
export function alignTokens(seq1: readonly Tagged[], seq2: readonly Tagged[]): [string, string, string][] {
    const a = seq1.map((t): Tagged => [t[0], t[1]]);
    const b = seq2.map((t): Tagged => [t[0], t[1]]);
    const aligned: [string, string, string][] = [];
    const toInside = (tag: string): string => (tag.startsWith("B-") ? `I-${tag.slice(2)}` : tag);
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
        const [token1, tag1] = a[i]!;
        const [token2, tag2] = b[j]!;
        if (token1 === token2) {
            aligned.push([token1, tag1, tag2]);
            i++;
            j++;
        } else if (token2.startsWith(token1)) {
            aligned.push([token1, tag1, tag2]);
            b[j] = [token2.slice(token1.length), toInside(tag2)];
            i++;
        } else if (token1.startsWith(token2)) {
            aligned.push([token2, tag1, tag2]);
            a[i] = [token1.slice(token2.length), toInside(tag1)];
            j++;
        } else {
            i++;
            j++;
        }
    }
    return aligned;
}

/** Aligned (prediction tags, gold tags) for one sample, as html2bio returns them. */
export function htmlToBio(predictionHtml: string, goldHtml: string,
    tokenize: (text: string) => string[] = spacyLikeTokenize): { pred: string[]; gold: string[] } {
    const aligned = alignTokens(htmlToTagged(predictionHtml, tokenize), htmlToTagged(goldHtml, tokenize));
    return { pred: aligned.map((t) => t[1]), gold: aligned.map((t) => t[2]) };
}
