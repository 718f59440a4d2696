/**
 * Writes a small synthetic stand-in for the benchmark data, in the same files and formats as the public data
 * (pubmedqa/ori_pqal.json, medqa/test.jsonl, hoc/blue_split/*.tsv, ddi2013/blurb_format/test.tsv,
 * mtsamples/mtsamples.csv, wikitext2/*.txt), so the nano recipe runs end to end on a machine without the data.
 * Everything is generated from a seed out of small word lists: it is NOT medical data, results on it say
 * nothing about medicine, and the demo says so when it uses it. No real patient text exists in it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../util/rng.js";

const DRUGS = ["aspirin", "metformin", "lisinopril", "atorvastatin", "warfarin", "amoxicillin", "omeprazole", "prednisone", "insulin", "heparin", "digoxin", "furosemide"];
const DISEASES = ["hypertension", "type 2 diabetes", "asthma", "pneumonia", "heart failure", "atrial fibrillation", "chronic kidney disease", "migraine", "osteoarthritis", "sepsis"];
const OUTCOMES = ["mortality", "blood pressure", "hospital readmission", "pain scores", "glycated hemoglobin", "length of stay", "symptom burden", "quality of life"];
const POPULATIONS = ["adults", "older patients", "children", "pregnant women", "outpatients", "intensive care patients"];
const SPECIALTIES = ["Cardiovascular / Pulmonary", "Orthopedic", "Neurology", "Gastroenterology", "Urology", "Radiology"];
const HALLMARKS = ["sustaining proliferative signaling", "evading growth suppressors", "resisting cell death", "enabling replicative immortality",
    "inducing angiogenesis", "activating invasion and metastasis", "genomic instability and mutation", "tumor promoting inflammation",
    "cellular energetics", "avoiding immune destruction"];
const GENERAL_TOPICS = ["river", "castle", "football club", "novel", "railway station", "mountain", "festival", "album", "bridge", "village"];
const GENERAL_VERBS = ["was built", "was founded", "was released", "was described", "was renamed", "was restored"];

function pick<T>(rng: Rng, items: readonly T[]): T {
    return items[rng.int(items.length)]!;
}

function abstract(rng: Rng, effect: "yes" | "no" | "maybe"): { question: string; contexts: string[]; long: string } {
    const drug = pick(rng, DRUGS);
    const disease = pick(rng, DISEASES);
    const outcome = pick(rng, OUTCOMES);
    const population = pick(rng, POPULATIONS);
    const n = 40 + rng.int(900);
    const finding = effect === "yes" ? `${drug} significantly reduced ${outcome} compared with placebo (p < 0.01)`
        : effect === "no" ? `there was no difference in ${outcome} between ${drug} and placebo (p = 0.${40 + rng.int(50)})`
            : `${drug} showed a trend toward lower ${outcome} that did not reach significance in the overall cohort`;
    return {
        question: `Does ${drug} improve ${outcome} in ${population} with ${disease}?`,
        contexts: [
            `${disease[0]!.toUpperCase()}${disease.slice(1)} is common among ${population} and ${outcome} remains a major concern.`,
            `We randomly assigned ${n} ${population} with ${disease} to ${drug} or placebo for ${4 + rng.int(48)} weeks.`,
            `In the primary analysis, ${finding}.`,
        ],
        long: effect === "yes" ? `${drug} improves ${outcome}.` : effect === "no" ? `${drug} does not improve ${outcome}.` : `The effect of ${drug} is uncertain.`,
    };
}

function clinicalNote(rng: Rng, specialty: string): string {
    const age = 20 + rng.int(70);
    const sex = pick(rng, ["male", "female"]);
    const disease = pick(rng, DISEASES);
    const drug = pick(rng, DRUGS);
    const focus: Record<string, string> = {
        "Cardiovascular / Pulmonary": "chest pain and shortness of breath; echocardiogram and chest x-ray were obtained",
        "Orthopedic": "knee pain after a fall; x-ray of the knee shows no fracture and the joint is stable",
        "Neurology": "headache and numbness of the left hand; MRI of the brain and a neurologic exam were performed",
        "Gastroenterology": "abdominal pain and reflux; colonoscopy and upper endoscopy were scheduled",
        "Urology": "hematuria and flank pain; cystoscopy and renal ultrasound were performed",
        "Radiology": "CT of the abdomen and pelvis with contrast; impression: no acute process",
    };
    return `HISTORY OF PRESENT ILLNESS:,  The patient is a ${age}-year-old ${sex} with ${disease} who presents with ${focus[specialty]}.  `
        + `MEDICATIONS:,  ${drug} daily.  ASSESSMENT AND PLAN:,  Continue ${drug}, follow up in ${1 + rng.int(8)} weeks.`;
}

function csvField(text: string): string {
    return `"${text.replaceAll('"', '""')}"`;
}

/** Writes the sample set under `dir` and returns the dataset sizes. */
export function writeSampleData(dir: string, seed = 20240605): Record<string, number> {
    const rng = new Rng(seed);
    const sizes: Record<string, number> = {};

    // PubMedQA: ori_pqal.json keyed by a fake PMID, plus the test ground truth (half the items).
    const pqal: Record<string, unknown> = {};
    const truth: Record<string, string> = {};
    for (let i = 0; i < 200; i++) {
        const decision = pick(rng, ["yes", "yes", "no", "maybe"] as const);
        const a = abstract(rng, decision);
        const pmid = String(90000000 + i);
        pqal[pmid] = { QUESTION: a.question, CONTEXTS: a.contexts, LABELS: ["BACKGROUND", "METHODS", "RESULTS"], MESHES: [], YEAR: "2020",
            reasoning_required_pred: decision, reasoning_free_pred: decision, final_decision: decision, LONG_ANSWER: a.long };
        if (i % 2 === 0) {
            truth[pmid] = decision;
        }
    }
    mkdirSync(join(dir, "pubmedqa"), { recursive: true });
    writeFileSync(join(dir, "pubmedqa", "ori_pqal.json"), JSON.stringify(pqal, null, 1));
    writeFileSync(join(dir, "pubmedqa", "test_ground_truth.json"), JSON.stringify(truth, null, 4));
    sizes.pubmedqa = Object.keys(truth).length;

    // MedQA / MedMCQA in the MedAgentsBench single-choice layout.
    const mcq = (n: number, path: string, idOf: (i: number) => string | number): void => {
        const lines: string[] = [];
        for (let i = 0; i < n; i++) {
            const disease = pick(rng, DISEASES);
            const right = `${pick(rng, DRUGS)}`;
            const options: Record<string, string> = {};
            const letters = ["A", "B", "C", "D"];
            const answerIdx = letters[rng.int(4)]!;
            for (const l of letters) {
                options[l] = l === answerIdx ? right : pick(rng, DRUGS.filter((d) => d !== right));
            }
            lines.push(JSON.stringify({ realidx: idOf(i), question: `A ${30 + rng.int(50)}-year-old patient has ${disease}. Which drug is the first-line therapy in this synthetic item?`,
                answer: right, options, answer_idx: answerIdx, meta_info: "synthetic" }));
        }
        mkdirSync(join(dir, path, ".."), { recursive: true });
        writeFileSync(join(dir, path), `${lines.join("\n")}\n`);
    };
    mcq(60, "medqa/test.jsonl", (i) => i);
    mcq(60, "medmcqa/test_medagentsbench_singlechoice_dev.jsonl", (i) => `synthetic-${i}`);
    sizes.medqa = 60;
    sizes.medmcqa = 60;

    // HoC, BLUE layout: sentence rows <pmid>_s<i> with comma-joined labels, doc-id lists and the doc-level jsonl.
    mkdirSync(join(dir, "hoc", "blue_split"), { recursive: true });
    mkdirSync(join(dir, "hoc", "text"), { recursive: true });
    const hocSplit = (name: string, docs: number, base: number): void => {
        const rows = ["index\tsentence\tlabels"];
        const ids: string[] = [];
        const docLevel: string[] = [];
        for (let d = 0; d < docs; d++) {
            const pmid = String(base + d);
            ids.push(pmid);
            const labels = new Set<string>();
            const sentences: string[] = [];
            for (let s = 0; s < 3 + rng.int(3); s++) {
                const hallmark = rng.next() < 0.5 ? pick(rng, HALLMARKS) : "";
                const sentence = hallmark
                    ? `Tumor cells showed ${hallmark} through altered ${pick(rng, ["signaling", "expression", "metabolism"])} .`
                    : `Samples from ${pick(rng, POPULATIONS)} were analysed by ${pick(rng, ["western blot", "flow cytometry", "sequencing"])} .`;
                if (hallmark) {
                    labels.add(hallmark);
                }
                sentences.push(sentence);
                rows.push(`${pmid}_s${s}\t${sentence}\t${hallmark}`);
            }
            writeFileSync(join(dir, "hoc", "text", `${pmid}.txt`), `${sentences.join("\n")}\n`);
            docLevel.push(JSON.stringify({ pmid, text: sentences.join(" "), labels: [...labels], answer: [...labels].join(";") }));
        }
        writeFileSync(join(dir, "hoc", "blue_split", `${name}.tsv`), `${rows.join("\n")}\n`);
        writeFileSync(join(dir, "hoc", "blue_split", `${name}_docid.txt`), `${ids.join("\n")}\n`);
        if (name === "test") {
            writeFileSync(join(dir, "hoc", "blue_split", "test_doclevel.jsonl"), `${docLevel.join("\n")}\n`);
        }
    };
    hocSplit("train", 80, 80000000);
    hocSplit("dev", 10, 81000000);
    hocSplit("test", 40, 82000000);
    sizes.hoc = 40;

    // DDI 2013, BLURB tsv: pair id, sentence with both target drugs as @DRUG$, label.
    mkdirSync(join(dir, "ddi2013", "blurb_format"), { recursive: true });
    const ddiLabels = ["DDI-false", "DDI-false", "DDI-effect", "DDI-mechanism", "DDI-advise", "DDI-int"];
    const ddiRows = (n: number, prefix: string): string => {
        const rows: string[] = [];
        for (let i = 0; i < n; i++) {
            const label = pick(rng, ddiLabels);
            const text = label === "DDI-mechanism" ? "@DRUG$ increases the plasma concentration of @DRUG$ by inhibiting its metabolism ."
                : label === "DDI-effect" ? "@DRUG$ may potentiate the hypotensive effect of @DRUG$ ."
                    : label === "DDI-advise" ? "@DRUG$ should not be administered together with @DRUG$ ."
                        : label === "DDI-int" ? "@DRUG$ interacts with @DRUG$ ."
                            : `@DRUG$ and @DRUG$ were given to ${pick(rng, POPULATIONS)} in separate arms .`;
            rows.push(`${prefix}.d${i}.s0.p0\t${text}\t${label}`);
        }
        return `${rows.join("\n")}\n`;
    };
    writeFileSync(join(dir, "ddi2013", "blurb_format", "test.tsv"), ddiRows(80, "DDI-Synthetic"));
    writeFileSync(join(dir, "ddi2013", "blurb_format", "dev.tsv"), ddiRows(80, "DDI-SyntheticDev"));
    sizes.ddi2013 = 80;

    // MTSamples csv with quoted multi-line fields, as the real file has.
    mkdirSync(join(dir, "mtsamples"), { recursive: true });
    const csv = ["note_id,description,medical_specialty,sample_name,transcription,keywords"];
    for (let i = 0; i < 240; i++) {
        const specialty = pick(rng, SPECIALTIES);
        csv.push([String(i + 1), csvField("Synthetic note."), csvField(specialty), csvField(`Sample ${i + 1}`),
            csvField(clinicalNote(rng, specialty)), csvField(specialty.toLowerCase())].join(","));
    }
    writeFileSync(join(dir, "mtsamples", "mtsamples.csv"), `${csv.join("\n")}\n`);
    sizes.mtsamples = 240;

    // wikitext-2 layout: " = Title = " headings and space-tokenised paragraphs.
    mkdirSync(join(dir, "wikitext2"), { recursive: true });
    const wiki = (articles: number): string => {
        const out: string[] = [];
        for (let a = 0; a < articles; a++) {
            const topic = pick(rng, GENERAL_TOPICS);
            out.push(" ", ` = The ${topic} of ${pick(rng, ["Arden", "Bellmoor", "Corwick", "Dunmere", "Elston"])} = `, " ");
            for (let p = 0; p < 3; p++) {
                const sentences: string[] = [];
                for (let s = 0; s < 4; s++) {
                    sentences.push(`The ${topic} ${pick(rng, GENERAL_VERBS)} in ${1700 + rng.int(320)} and is known for its ${pick(rng, ["history", "architecture", "music", "landscape"])} .`);
                }
                out.push(` ${sentences.join(" ")} `);
            }
        }
        return `${out.join("\n")}\n`;
    };
    writeFileSync(join(dir, "wikitext2", "test.txt"), wiki(120));
    writeFileSync(join(dir, "wikitext2", "valid.txt"), wiki(40));
    writeFileSync(join(dir, "SOURCES.md"), "# Synthetic sample data\n\nGenerated by mellama's writeSampleData from a seed. Not medical data; results on it say nothing about medicine.\n");
    return sizes;
}
