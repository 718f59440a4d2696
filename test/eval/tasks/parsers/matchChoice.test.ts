import assert from "node:assert/strict";
import { test } from "node:test";
import { MISSING, paperChoiceSet, paperExactlyOneChoice, paperFirstChoice, strictChoiceSet, strictExactlyOneChoice, strictFirstChoice } from "../../../../src/eval/parsers/matchChoice.js";

const YNM = ["yes", "no", "maybe"];
const LETTERS = ["A", "B", "C", "D", "E"];

test("paper: first choice in LIST order found as a substring, case rule per task", () => {
    assert.equal(paperFirstChoice("  Maybe, but no.", YNM, true), "no");
    assert.equal(paperFirstChoice("I do not know", YNM, true), "no"); // "know" contains "no"
    assert.equal(paperFirstChoice("yesterday", YNM, true), "yes");
    assert.equal(paperFirstChoice("MAYBE", YNM, false), MISSING);
    // MedQA (case-sensitive): the article "A" wins over the stated answer
    assert.equal(paperFirstChoice("A 45-year-old man... The answer is C", LETTERS, false), "A");
    assert.equal(paperFirstChoice("the answer is c", LETTERS, false), MISSING);
    assert.equal(paperFirstChoice("Neurology", ["Urology", "Neurology"], true), "urology");
});

test("strict: whole words, earliest occurrence, longest at a tie, explicit letter statements win", () => {
    assert.equal(strictFirstChoice("  Maybe, but no.", YNM), "maybe");
    assert.equal(strictFirstChoice("I do not know", YNM), MISSING);
    assert.equal(strictFirstChoice("yesterday", YNM), MISSING);
    assert.equal(strictFirstChoice("A 45-year-old man... The answer is C", LETTERS), "c");
    assert.equal(strictFirstChoice("Answer: (B) because", LETTERS), "b");
    assert.equal(strictFirstChoice("B. Tell the attending", LETTERS), "b");
    assert.equal(strictFirstChoice("a cat", LETTERS), MISSING);
    assert.equal(strictFirstChoice("A 45-year-old man needs (D) surgery", LETTERS), "d");
    assert.equal(strictFirstChoice("I think A is wrong; the answer is option E", LETTERS), "e");
    assert.equal(strictFirstChoice("C", LETTERS), "c");
    assert.equal(strictFirstChoice("Cosmetic / Plastic Surgery", ["Surgery", "Cosmetic / Plastic Surgery"]), "cosmetic / plastic surgery");
    assert.equal(strictFirstChoice("Neurology", ["Urology", "Neurology"]), "neurology");
});

test("DDI: exactly one label found, else missing (paper case-sensitive, strict not)", () => {
    const ddi = ["DDI-effect", "DDI-mechanism", "DDI-advise", "DDI-false", "DDI-int"];
    assert.equal(paperExactlyOneChoice("DDI-effect", ddi), "DDI-effect");
    assert.equal(paperExactlyOneChoice("DDI-false, not DDI-effect", ddi), MISSING);
    assert.equal(paperExactlyOneChoice("ddi-effect", ddi), MISSING);
    assert.equal(strictExactlyOneChoice("ddi-effect. DDI-effect!", ddi), "ddi-effect");
    assert.equal(strictExactlyOneChoice("DDI-interaction", ddi), MISSING);
});

test("HoC: label sets by substring (paper) or whole phrase, any case (strict)", () => {
    const hoc = ["resisting cell death", "cellular energetics"];
    assert.deepEqual(paperChoiceSet("Resisting cell death; cellular energetics", hoc), [0, 1]);
    assert.deepEqual(strictChoiceSet("Resisting cell death; cellular energetics", hoc), [1, 1]);
    assert.deepEqual(strictChoiceSet("noncellular energeticsX", hoc), [0, 0]);
});

test("Python whitespace: strip and split follow str.isspace (\\x1c-\\x1f and \\x85 yes, BOM no)", async () => {
    const { pySplit, pyStrip } = await import("../../../../src/eval/parsers/pyText.js");
    assert.equal(pyStrip("\x1c\x85 yes \u3000"), "yes");
    assert.equal(pyStrip("\ufeffyes"), "\ufeffyes");
    assert.deepEqual(pySplit("a\x1fb\u2028c  d"), ["a", "b", "c", "d"]);
});
