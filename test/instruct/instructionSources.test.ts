import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { INSTRUCTION_SOURCES, getInstructionSource } from "../../src/instruct/instructionSources.js";
import { pyFormat, templateFields } from "../../src/instruct/pyFormat.js";

// sha256 prefixes of each template string as Python reads it from Me-LLaMA's src/preprocess_instruct.py
// (commit 08c893f2), computed with python3 from the source file: the exact bytes of each template.
// A change here must be deliberate: templates are data, reproduced byte for byte.
const FROZEN: Record<string, string> = {
    Alpaca: "8040b308cae0178a",
    Dolly: "c8e876be9a5018a8",
    MedInstruct: "8198bd5ec7d61c11",
    HealthCareMagic: "eccb4def4ce4a5b8",
    iCliniq: "eccb4def4ce4a5b8",
    medicationqa: "33198c4fc027eb14",
    liveqa: "5f9fa4995b36acc1",
    GuidelineQA: "bd3401c7276d7b6f",
    medical_meadow: "0cfc30757117c626",
    medical_wikidoc: "0cfc30757117c626",
    PatientQA: "d95ae0cf5a121b6d",
    medical_meadow_advice: "e0971aba77052efd",
    medical_meadow_mediqa: "9ae7671c1b508391",
    medical_meadow_mmmlu: "7616159128c98c09",
    guideline_prediction: "cef8629641cb27b6",
    UMLS: "23c42c3f53a87004",
    PubMed_Summ: "398fa35ee41ca93e",
    mesh_term: "b92ce10535a752fb",
    MIMIC_SUM: "f021500cd0f3797e",
    MS2: "c6f92275bffcb7a0",
};
test("every source has a frozen hash", () => {
    assert.deepEqual(INSTRUCTION_SOURCES.map((s) => s.name).sort(), Object.keys(FROZEN).sort());
});

test("templates keep Me-LLaMA's exact bytes, trailing spaces and indents included", () => {
    const dolly = getInstructionSource("Dolly")!;
    assert.ok(dolly.prompt.includes("\n    INPUT: {text} \n    CONTEXT: {context}\n    OUTPUT:  \n"));
    const alpaca = getInstructionSource("Alpaca")!;
    assert.ok(alpaca.prompt.endsWith("INPUT: {text} \nCONTEXT: {context}\nOUTPUT:\n"));
    assert.equal(getInstructionSource("MIMIC_SUM")!.prompt, "Derive the impression from findings in the radiology report.\n    INPUT: {text}\n    OUTPUT:\n    ");
    for (const [name, prefix] of Object.entries(FROZEN)) {
        const digest = createHash("sha256").update(getInstructionSource(name)!.prompt).digest("hex");
        assert.equal(digest.slice(0, 16), prefix, `${name} template changed`);
    }
});

test("every source fills its template from the fields it declares", () => {
    for (const source of INSTRUCTION_SOURCES) {
        const fields = templateFields(source.prompt);
        assert.ok(fields.includes("text"), source.name);
        assert.ok(fields.every((f) => f === "text" || f === "context"), source.name);
    }
});

test("pyFormat fills fields and honours brace escapes like str.format", () => {
    assert.equal(pyFormat("a {x} {{literal}} {y}", { x: "1", y: "{2}" }), "a 1 {literal} {2}");
    assert.throws(() => pyFormat("{missing}", {}), /missing/);
});

test("GuidelineQA splits question and answer like fetch_data, and drops records without an answer", () => {
    const source = getInstructionSource("GuidelineQA")!;
    const filled = source.extract({ response: "Question: Why?\nAnswer: Because.\nMore." })!;
    assert.deepEqual(filled, { fields: { text: "Why?" }, answer: "Because.\nMore." });
    assert.equal(source.extract({ response: "Question: no answer" }), null);
});

test("guideline_prediction splits clean_text on '. ' into halves", () => {
    const source = getInstructionSource("guideline_prediction")!;
    const filled = source.extract({ clean_text: "One. Two. Three. Four" })!;
    assert.deepEqual(filled, { fields: { text: "One. Two." }, answer: "Three. Four" });
});
