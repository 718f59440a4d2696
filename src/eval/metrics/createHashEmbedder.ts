/**
 * A deterministic, model-free TokenEmbedder for tests and offline smoke runs: tokens are rouge-style lowercase
 * alphanumeric words, each embedded as a signed feature-hashing of its character trigrams (FNV-1a), so equal
 * tokens get equal vectors and tokens sharing trigrams are similar. It is not contextual and not semantic:
 * its BERTScores are only comparable with themselves.
 */
import type { TokenEmbedder } from "./bertScore.js";
import { rougeTokenize } from "./rouge.js";

function fnv1a(text: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
}

export function hashEmbedToken(token: string, dim: number): Float32Array {
    const v = new Float32Array(dim);
    const padded = `#${token}#`;
    for (let i = 0; i + 3 <= padded.length; i++) {
        const h = fnv1a(padded.slice(i, i + 3));
        v[h % dim]! += (h >>> 31) === 1 ? -1 : 1;
    }
    return v;
}

export function createHashEmbedder({ dim = 64 }: { dim?: number } = {}): TokenEmbedder {
    return {
        id: `hash-trigram-${dim}`,
        embed: (texts) => Promise.resolve(texts.map((text) => rougeTokenize(text).map((t) => hashEmbedToken(t, dim)))),
    };
}
