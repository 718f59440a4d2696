/**
 * Character classes as lookup tables for the corpus scans (quality rules, dedup keys): one load per UTF-16 unit
 * instead of a regex test. Built once from the regexes they stand for, so they agree with them by construction.
 */

/** 1 for the UTF-16 code units that `/\s/` matches (Unicode White_Space and line terminators, U+FEFF). */
export const SPACE = new Uint8Array(65536);
/** 1 for the BMP code points that `/\p{L}/u` matches (surrogates are 0: astral letters need the pair). */
export const LETTER = new Uint8Array(65536);
{
    const space = /\s/;
    const letter = /\p{L}/u;
    for (let c = 0; c < 65536; c++) {
        const ch = String.fromCharCode(c);
        SPACE[c] = space.test(ch) ? 1 : 0;
        LETTER[c] = c >= 0xd800 && c <= 0xdfff ? 0 : letter.test(ch) ? 1 : 0;
    }
}

/** `text.replace(/\s+/g, " ").trim()`, without the regex: only runs other than one plain space are rewritten. */
export function collapseWhitespace(text: string): string {
    const space = SPACE;
    const n = text.length;
    let out = "";
    let from = 0;
    for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (space[c] !== 1) {
            continue;
        }
        let j = i + 1;
        while (j < n && space[text.charCodeAt(j)] === 1) {
            j++;
        }
        if (j - i > 1 || c !== 32) {
            out += text.slice(from, i);
            out += " ";
            from = j;
        }
        i = j - 1;
    }
    out = from === 0 ? text : out + text.slice(from);
    return out.trim();
}
