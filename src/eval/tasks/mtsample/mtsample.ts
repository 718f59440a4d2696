/**
 * MTSample: the medical specialty (40 classes) of an MTSamples transcription. Prompt byte for byte from Me-LLaMA
 * src/preprocess_instruct.py class MTSample (l.161); scored as vital_measure.py MTSample (Classification,
 * LOWER_CASE=True). The test split is mellama's seeded one (readMtsamples.ts), not the paper's unknown split.
 */
import type { Doc, Task } from "../../api/Task.js";
import type { BadRecord } from "../../loaders/recordErrors.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { mtsampleSplit, readMtsamples } from "../../loaders/readMtsamples.js";
import { createClassificationTask } from "../classificationTask.js";

export const MTSAMPLE_CHOICES = ["Surgery", "Allergy / Immunology", "Sleep Medicine", "Pediatrics - Neonatal",
    "SOAP / Chart / Progress Notes", "Bariatrics", "Pain Management", "Lab Medicine - Pathology", "Dermatology",
    "Orthopedic", "Dentistry", "Psychiatry / Psychology", "General Medicine", "Office Notes", "Letters", "Neurosurgery",
    "Radiology", "Cosmetic / Plastic Surgery", "Nephrology", "Diets and Nutritions", "Chiropractic", "Gastroenterology",
    "Cardiovascular / Pulmonary", "Speech - Language", "Hospice - Palliative Care", "Autopsy", "Endocrinology",
    "Emergency Room Reports", "Discharge Summary", "ENT - Otolaryngology", "Urology", "Physical Medicine - Rehab",
    "Neurology", "Podiatry", "Ophthalmology", "Rheumatology", "IME-QME-Work Comp etc.", "Hematology - Oncology",
    "Consult - History and Phy.", "Obstetrics / Gynecology"];

const QUOTED = MTSAMPLE_CHOICES.map((c) => `'${c}'`).join(", ");

export function mtsamplePrompt({ text }: { text: string }): string {
    return "\nTASK: The task is to determine the medical specialty or domain that a medical transcription belongs to. "
        + "The input is a medical transcription. There are 40 medical specialties or domains and you need to decide which "
        + `one is the transcription related to. The medical specialties or domains are: ${QUOTED}. The output should be `
        + "only one medical specialty or domain from the above 40 specialties or domains, that is most relevant to the "
        + "medical transcription. Please note that each medical transcript can only be related to one medical specialty "
        + "or domain. Output format: provide the name of the medical specialty or domain.\n"
        + `###\nINPUT: ${text}\nOUTPUT:\n`;
}

function splitDocs(records: ReturnType<typeof readMtsamples>, split: "test" | "train", bad: BadRecord): Doc[] {
    return mtsampleSplit(records, split).flatMap((r): Doc[] => {
        const gold = MTSAMPLE_CHOICES.indexOf(r.specialty);
        if (gold < 0) {
            bad(r.line, `specialty of note ${r.id} is not one of the 40 choices`);
            return [];
        }
        return [{ id: `mtsample-${r.id}`, query: mtsamplePrompt({ text: r.transcription }), answer: r.specialty, choices: MTSAMPLE_CHOICES, gold }];
    });
}

export const mtsample: Task = createClassificationTask({
    name: "mtsample",
    version: 1,
    description: "MTSamples (seeded test split of 999 notes): medical specialty among 40; macro-F1.",
    strictDifferences: "Paper: lowercased substrings, first specialty in list order wins, so 'Neurosurgery' and "
        + "'Cosmetic / Plastic Surgery' score as Surgery and 'Neurology' as Urology (an exact gold answer can be "
        + "scored wrong). Strict: whole-phrase matches, the earliest and then longest one wins, so an exact answer "
        + "is always right; F1s get seeded bootstrap stderrs.",
    reportedMetrics: ["macro_f1"],
    fetchHint: "mellama data fetch mtsample",
    lowerCase: true,
    rule: "first",
    loadDocs: (options) => loadTaskDocs({
        task: "mtsample",
        fetchHint: "mellama data fetch mtsample",
        defaultPath: "mtsamples/mtsamples.csv",
        read: (file, bad) => splitDocs(readMtsamples(file, bad), "test", bad),
    }, options),
    // The seeded split's train part (the notes outside test and valid).
    loadTrainDocs: (options) => loadTaskDocs({
        task: "mtsample_train",
        fetchHint: "mellama data fetch mtsample",
        defaultPath: "mtsamples/mtsamples.csv",
        read: (file, bad) => splitDocs(readMtsamples(file, bad), "train", bad),
    }, { ...options, path: undefined }),
});
