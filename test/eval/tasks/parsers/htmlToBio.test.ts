import assert from "node:assert/strict";
import { test } from "node:test";
import { alignTokens, htmlToBio, htmlToTagged } from "../../../../src/eval/parsers/htmlToBio.js";
import { parseTopLevel } from "../../../../src/eval/parsers/htmlTopLevel.js";
import { spacyLikeTokenize } from "../../../../src/eval/parsers/spacyLikeTokenize.js";

test("top-level HTML: text runs and elements with first class and descendant text, entities decoded", () => {
    assert.deepEqual(parseTopLevel('He has <span class="problem big">chest <b>pain</b></span> &amp; <br/>fever<i>x'), [
        { kind: "text", text: "He has " },
        { kind: "element", tag: "span", className: "problem", text: "chest pain" },
        { kind: "text", text: " & " },
        { kind: "element", tag: "br", className: undefined, text: "" },
        { kind: "text", text: "fever" },
        { kind: "element", tag: "i", className: undefined, text: "x" },
    ]);
    assert.deepEqual(parseTopLevel("a < b </span> c"), [{ kind: "text", text: "a < b " }, { kind: "text", text: " c" }]);
});

test("spaCy-like tokenizer: punctuation, hyphen infixes, units, contractions, abbreviations, extra spaces", () => {
    assert.deepEqual(spacyLikeTokenize("a chest x-ray."), ["a", "chest", "x", "-", "ray", "."]);
    assert.deepEqual(spacyLikeTokenize("(aspirin 81mg)"), ["(", "aspirin", "81", "mg", ")"]);
    assert.deepEqual(spacyLikeTokenize("doesn't, Dr. Smith's"), ["does", "n't", ",", "Dr.", "Smith", "'s"]);
    assert.deepEqual(spacyLikeTokenize(" BP  140/90"), [" ", "BP", " ", "140/90"]);
    assert.deepEqual(spacyLikeTokenize("U.S. e.g."), ["U.S.", "e.g."]);
});

test("html to BIO: whitespace words outside tags, tokenizer inside, unknown classes are O", () => {
    assert.deepEqual(htmlToTagged('no <span class="problem">chest pain.</span> <span class="x">y</span>'), [
        ["no", "O"], ["chest", "B-problem"], ["pain", "I-problem"], [".", "I-problem"], ["y", "O"],
    ]);
});

test("align_tokens: equal pairs, prefix carry-over with B- turned into I-, and the drop-both quirk", () => {
    assert.deepEqual(alignTokens([["x-ray", "O"]], [["x", "B-test"], ["-", "I-test"], ["ray", "I-test"]]),
        [["x", "O", "B-test"], ["-", "O", "I-test"], ["ray", "O", "I-test"]]);
    assert.deepEqual(alignTokens([["pain.", "B-problem"]], [["pain", "B-problem"], [".", "O"]]),
        [["pain", "B-problem", "B-problem"], [".", "I-problem", "O"]]);
    // one inserted word shifts everything after it: both sides are skipped pairwise
    assert.deepEqual(alignTokens([["severe", "O"], ["pain", "B-problem"]], [["pain", "B-problem"], ["today", "O"]]), []);
    const { pred, gold } = htmlToBio('<span class="problem">chest pain</span> today', 'chest pain <span class="test">today</span>');
    assert.deepEqual(pred, ["B-problem", "I-problem", "O"]);
    assert.deepEqual(gold, ["O", "O", "B-test"]);
});

test("top-level HTML parsing equals BeautifulSoup html.parser on the recorded cases", async () => {
    const { readFileSync } = await import("node:fs");
    const { html_top_level: cases } = JSON.parse(readFileSync(new URL("../../../fixtures/eval/metrics/sklearn_cases.json", import.meta.url), "utf8")) as
        { html_top_level: { html: string; nodes: { kind: string; tag?: string; className?: string | null; text: string }[] }[] };
    assert.ok(cases.length >= 15);
    for (const c of cases) {
        const expected = c.nodes.map((n) => (n.kind === "text" ? n : { ...n, className: n.className ?? undefined }));
        assert.deepEqual(parseTopLevel(c.html), expected, c.html);
    }
});
