/**
 * The instruction sources of Me-LLaMA's chat-model training data (me-llama-spec.md §3.3–3.4) with their
 * per-source templates. Prompt strings are data copied byte for byte from Me-LLaMA's src/preprocess_instruct.py
 * (commit 08c893f2; `sourceLine` is the class's line there), trailing spaces and indents included: several
 * templates sit indented inside triple quotes and carry those spaces. `extract` mirrors each class's
 * fetch_data: raw record -> the template's fields plus the answer; null drops the record (GuidelineQA without
 * an answer).
 *
 * Not here: the benchmark train splits of the supervised setting (they reuse the evaluation tasks' prompt
 * builders, see benchmarkSources.ts) and reading files (readRecords.ts).
 */
export type Domain = "general" | "biomedical" | "clinical";
export type RawRecord = Readonly<Record<string, unknown>>;

export interface Filled {
    fields: Record<string, string>;
    answer: string;
}

export interface InstructionSource {
    name: string;
    domain: Domain;
    taskType: string;
    prompt: string;
    sourceLine: number;
    /** The record fields read, for error messages and docs. */
    reads: string[];
    extract(record: RawRecord): Filled | null;
}

/** A field as a string: strings pass, lists are joined (Me-LLaMA joins findings/impressions/abstracts with " "). */
function str(record: RawRecord, path: string, join = " "): string | undefined {
    let value: unknown = record;
    for (const key of path.split(".")) {
        if (value === null || typeof value !== "object") {
            return undefined;
        }
        value = (value as Record<string, unknown>)[key];
    }
    if (typeof value === "string") {
        return value;
    }
    if (typeof value === "number") {
        return String(value);
    }
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
        return (value as string[]).join(join);
    }
    return undefined;
}

export class MissingFieldError extends Error {
    public constructor(public readonly field: string) {
        super(`missing or non-string field "${field}"`);
    }
}

function need(record: RawRecord, path: string, join?: string): string {
    const value = str(record, path, join);
    if (value === undefined) {
        throw new MissingFieldError(path);
    }
    return value;
}

/** A source whose fetch_data maps record fields straight onto {text, context?} and answer. */
function simple(name: string, domain: Domain, prompt: string, sourceLine: number,
    map: { text: string; context?: string; answer: string }): InstructionSource {
    return {
        name, domain, taskType: "conversation", prompt, sourceLine,
        reads: [map.text, ...(map.context === undefined ? [] : [map.context]), map.answer],
        extract: (r) => ({
            fields: map.context === undefined
                ? { text: need(r, map.text) }
                : { text: need(r, map.text), context: need(r, map.context) } as Record<string, string>,
            answer: need(r, map.answer),
        }),
    };
}

const ALPACA = "Below is an input that describes a task, maybe paired with a context that provides further information. Write a response that appropriately completes the request.\nINPUT: {text} \nCONTEXT: {context}\nOUTPUT:\n";
const DOLLY = "Below is an input that describes a task, maybe paired with a context that provides further information. Write a response that appropriately completes the request.\n    INPUT: {text} \n    CONTEXT: {context}\n    OUTPUT:  \n";
const MEDINSTRUCT = "Below is an input that describes a medical task, maybe paired with a context that provides further input information. Write a response that appropriately completes the request.\n    INPUT: {text} \n    CONTEXT: {context}\n    OUTPUT:  \n";
const PATIENT_QUERY = "Given a medical query, provide a concise and clear answer based on the patient's description.\nINPUT: {text}\nOUTPUT:\n";
const TRUTHFUL_PRO = "If you are a medical professional, answer this question truthfully.\nINPUT: {text} \nOUTPUT:\n";

export const INSTRUCTION_SOURCES: readonly InstructionSource[] = [
    simple("Alpaca", "general", ALPACA, 423, { text: "instruction", context: "input", answer: "output" }),
    simple("Dolly", "general", DOLLY, 656, { text: "instruction", context: "context", answer: "response" }),
    simple("MedInstruct", "biomedical", MEDINSTRUCT, 671, { text: "instruction", context: "input", answer: "output" }),
    simple("HealthCareMagic", "biomedical", PATIENT_QUERY, 535, { text: "input", answer: "output" }),
    simple("iCliniq", "biomedical", PATIENT_QUERY, 521, { text: "input", answer: "answer_chatdoctor" }),
    simple("medicationqa", "biomedical", "Answer this medical question truthfully.\nINPUT: {text}\nOUTPUT:\n", 495,
        { text: "Question", answer: "Answer" }),
    simple("liveqa", "biomedical", "Given a medical query, provide a concise and clear answer based on the given details. \nINPUT: {text}\nOUTPUT:\n", 508,
        { text: "message", answer: "answer" }),
    {
        name: "GuidelineQA", domain: "biomedical", taskType: "qa", sourceLine: 548, reads: ["response"],
        prompt: "If you are a medical professional, answer this question truthfully.\nINPUT: {text}\nOUTPUT:\n",
        extract: (r) => {
            // fetch_data: "Question: ...\nAnswer: ..." split by two regexes; no answer drops the record.
            const response = need(r, "response");
            const question = /Question:\s*([\s\S]+?)\s*(?=\nAnswer:)/.exec(response)?.[1]?.trim();
            const answer = /Answer:\s*([\s\S]+)/.exec(response)?.[1]?.trim();
            if (!answer) {
                return null;
            }
            // Python would format None as "None" when the question regex fails; keep that behaviour.
            return { fields: { text: question ?? "None" }, answer };
        },
    },
    simple("medical_meadow", "biomedical", TRUTHFUL_PRO, 571, { text: "input", answer: "output" }),
    simple("medical_wikidoc", "biomedical", TRUTHFUL_PRO, 584, { text: "input", answer: "output" }),
    simple("PatientQA", "biomedical", "Answer this question truthfully.\nINPUT: {text} \nOUTPUT:\n", 597, { text: "input", answer: "output" }),
    simple("medical_meadow_advice", "biomedical", "For the following statement, determine whether it offers: 1) Strong Advice: The statement gives a clear and assertive recommendation or guidance, or 2) Weak Advice: The statement provides a suggestion or mild recommendation but is not very assertive, or 3)  No Advice: The statement doesn't offer any recommendation or guidance.\nINPUT: {text} \nOUTPUT:\n", 466,
        { text: "input", answer: "output" }),
    simple("medical_meadow_mediqa", "biomedical", "Answer the input medical question based on the given context.\nINPUT: {text}\nCONTEXT: {context}\nOUTPUT:\n", 479,
        { text: "instruction", context: "input", answer: "output" }),
    simple("medical_meadow_mmmlu", "biomedical", "Given a medical question and four options, select the correct answer from the four options.\nINPUT: {text} \nOUTPUT:\n", 609,
        { text: "input", answer: "output" }),
    {
        name: "guideline_prediction", domain: "biomedical", taskType: "next-sentence generation", sourceLine: 624, reads: ["clean_text"],
        prompt: "Write the next part for a clinical guideline. You're given a piece of the guideline, and your task is to continue it. The new part should match the style and detail of the original and be medically correct.\nINPUT: {text} \nOUTPUT:\n",
        extract: (r) => {
            // fetch_data: split on ". ", first half (+ ".") is the input, the rest the target.
            const sentences = need(r, "clean_text").split(". ");
            const half = Math.floor(sentences.length / 2);
            return { fields: { text: `${sentences.slice(0, half).join(". ")}.` }, answer: sentences.slice(half).join(". ") };
        },
    },
    simple("UMLS", "biomedical", "Given a medical question, provide the answer to determine the relation between two medical terms in the question.\nINPUT: {text} \nOUTPUT:\n", 641,
        { text: "input", answer: "output" }),
    {
        name: "PubMed_Summ", domain: "biomedical", taskType: "summarization", sourceLine: 699, reads: ["paper.abstract", "paper.title"],
        prompt: "Given an abstract of a biomedical paper, generate the title.\n    INPUT: {text}\n    OUTPUT:\n    ",
        extract: (r) => ({ fields: { text: need(r, "paper.abstract") }, answer: need(r, "paper.title") }),
    },
    {
        name: "mesh_term", domain: "biomedical", taskType: "key-words prediction", sourceLine: 712, reads: ["paper.abstract", "paper.mesh_terms"],
        prompt: "Given an abstract of a biomedical paper, generate the MeSH terms associated with the paper.\n    INPUT: {text}\n    OUTPUT:\n    ",
        // Me-LLaMA stores the mesh_terms value as-is; a list is rendered "; "-joined here (documented divergence).
        extract: (r) => ({ fields: { text: need(r, "paper.abstract") }, answer: need(r, "paper.mesh_terms", "; ") }),
    },
    {
        name: "MIMIC_SUM", domain: "clinical", taskType: "summarization", sourceLine: 686, reads: ["findings", "impression"],
        prompt: "Derive the impression from findings in the radiology report.\n    INPUT: {text}\n    OUTPUT:\n    ",
        extract: (r) => ({ fields: { text: need(r, "findings") }, answer: need(r, "impression") }),
    },
    {
        name: "MS2", domain: "biomedical", taskType: "summarization", sourceLine: 725, reads: ["abstract", "target"],
        prompt: "***TASK*** the task is to summarize an input biomedical literature in six sentences \n    ***INPUT*** the input is a biomedical literature \n    ***OUTPUT*** the output is the summary of an input biomedical literature in six sentences \n    ***DOCUMENTATION*** \n    ***EXAMPLES*** \n    Input: {text} \n    Output:\n    ",
        // Me-LLaMA truncates abstracts of >= 4000 characters to 3500 LLaMA-2 tokens; buildInstructions applies
        // that when it is given a tokenizer.
        extract: (r) => ({ fields: { text: need(r, "abstract") }, answer: need(r, "target") }),
    },
];

export function getInstructionSource(name: string): InstructionSource | undefined {
    return INSTRUCTION_SOURCES.find((s) => s.name === name);
}
