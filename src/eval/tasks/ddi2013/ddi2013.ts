/**
 * DDI-2013 relation classification: the type of interaction between the two @DRUG$ mentions of a sentence.
 * Prompt byte for byte from Me-LLaMA src/preprocess_instruct.py class DDI2013 (l.263); scored as vital_measure.py
 * DDI2013 (case-sensitive, exactly one label found or "missing"). Reads the corpus XML (Test for DDI Extraction
 * task, 5716 pairs, @DRUG$ sentences built from charOffsets) or BLURB's @DRUG$ tsv (same 5716 pairs).
 */
import type { Doc, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import type { DdiPair } from "../../loaders/readDdiXml.js";
import { DDI_LABELS, readDdiTsv, readDdiXml } from "../../loaders/readDdiXml.js";
import { createClassificationTask } from "../classificationTask.js";

/** Me-LLaMA's choice order (not the corpus's). */
export const DDI_CHOICES = DDI_LABELS;

export function ddi2013Prompt({ sentence }: { sentence: string }): string {
    return "TASK: The input is a sentence where the drug is labeled as @DRUG$. Extract the relationship between 2 @DRUG$ "
        + "from the input sentence by selecting only one of the following options: 'DDI-effect', 'DDI-mechanism', "
        + "'DDI-advise', 'DDI-false', and 'DDI-int'.\n"
        + "DDI-effect, this type is used to annotate DDIs describing an effect or a pharmacodynamic mechanism\n"
        + "DDI-mechanism, this type is used to annotate DDIs that are described by their pharmacokinetic mechanism\n"
        + "DDI-advise, this type is used when a recommendation or advice regarding a drug interaction is given\n"
        + "DDI-false, this type is used when no DDI relation appears\n"
        + "DDI-int, this type is used when a DDI appears in the text without providing any additional information\n"
        + `###\nINPUT: ${sentence}\nOUTPUT:\n`;
}

function toDoc(pair: DdiPair): Doc {
    return { id: pair.id, query: ddi2013Prompt(pair), answer: pair.label, choices: DDI_CHOICES, gold: DDI_CHOICES.indexOf(pair.label) };
}

export const ddi2013: Task = createClassificationTask({
    name: "ddi2013",
    version: 1,
    description: "DDI-2013 test (5716 drug pairs): classify the interaction as DDI-effect/-mechanism/-advise/-false/-int; macro-F1.",
    strictDifferences: "Paper: case-sensitive substrings; an output naming two labels (even 'DDI-false, not DDI-effect') "
        + "is missing. Strict: case-insensitive whole-label matches, still exactly one distinct label; F1s get seeded "
        + "bootstrap stderrs.",
    reportedMetrics: ["macro_f1"],
    fetchHint: "mellama data fetch ddi2013",
    lowerCase: false,
    rule: "exactlyOne",
    loadDocs: (options) => loadTaskDocs({
        task: "ddi2013",
        fetchHint: "mellama data fetch ddi2013",
        defaultPath: "ddi2013/Test/Test for DDI Extraction task",
        read: (file, bad) => (file.endsWith(".tsv") ? readDdiTsv(file, bad) : readDdiXml(file, bad)).map(toDoc),
    }, options),
    // The corpus's Train folder (DrugBank and MedLine XML).
    loadTrainDocs: (options) => loadTaskDocs({
        task: "ddi2013_train",
        fetchHint: "mellama data fetch ddi2013",
        defaultPath: "ddi2013/Train",
        read: (file, bad) => readDdiXml(file, bad).map(toDoc),
    }, { ...options, path: undefined }),
});
