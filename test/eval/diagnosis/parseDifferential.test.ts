import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDifferential } from "../../../src/eval/tasks/diagnosis/parseDifferential.js";

/** Output styles seen from chat models (GPT-4-class, LLaMA-2-chat, Me-LLaMA-chat style), with the reading expected. */
const CASES: { name: string; output: string; expected: string[] }[] = [
    { name: "numbered with periods", output: "1. Graves disease\n2. Toxic multinodular goitre\n3. Subacute thyroiditis", expected: ["Graves disease", "Toxic multinodular goitre", "Subacute thyroiditis"] },
    { name: "numbered with parentheses and preamble", output: "Based on the presentation, my differential is:\n1) Acute cholecystitis\n2) Biliary colic\n3) Acute pancreatitis\n\nFurther imaging is advised.", expected: ["Acute cholecystitis", "Biliary colic", "Acute pancreatitis"] },
    { name: "markdown bold with explanations", output: "**Differential diagnosis**\n\n1. **Giant cell arteritis** - jaw claudication, raised ESR and biopsy findings.\n2. **Takayasu arteritis**: large-vessel vasculitis, usually younger patients.\n3. **Non-arteritic anterior ischemic optic neuropathy** – painless visual loss.", expected: ["Giant cell arteritis", "Takayasu arteritis", "Non-arteritic anterior ischemic optic neuropathy"] },
    { name: "bullets", output: "- Pulmonary embolism\n- Pneumothorax\n* Acute coronary syndrome\n• Pericarditis", expected: ["Pulmonary embolism", "Pneumothorax", "Acute coronary syndrome", "Pericarditis"] },
    { name: "comma-separated line", output: "Multiple myeloma, Waldenström macroglobulinaemia, metastatic prostate cancer, primary hyperparathyroidism", expected: ["Multiple myeloma", "Waldenström macroglobulinaemia", "metastatic prostate cancer", "primary hyperparathyroidism"] },
    { name: "semicolon-separated with a lead-in", output: "Differential diagnoses: pernicious anaemia; folate deficiency; myelodysplastic syndrome.", expected: ["pernicious anaemia", "folate deficiency", "myelodysplastic syndrome"] },
    { name: "prose", output: "The most likely diagnosis is Guillain-Barre syndrome. Other possibilities include transverse myelitis and botulism, followed by chronic inflammatory demyelinating polyneuropathy.", expected: ["Guillain-Barre syndrome", "transverse myelitis", "botulism", "chronic inflammatory demyelinating polyneuropathy"] },
    { name: "prose with or", output: "This is most likely pre-eclampsia or HELLP syndrome.", expected: ["pre-eclampsia", "HELLP syndrome"] },
    { name: "chain of thought then final list", output: "The patient has fever and a new murmur.\n1. Fever suggests infection.\n2. Prosthetic valve raises risk.\n\nFinal differential diagnosis:\n1. Infective endocarditis\n2. Rheumatic fever\n3. Atrial myxoma", expected: ["Infective endocarditis", "Rheumatic fever", "Atrial myxoma"] },
    { name: "probabilities", output: "1. Acute pancreatitis (70%)\n2. Perforated peptic ulcer - 15%\n3. Mesenteric ischemia (5%)", expected: ["Acute pancreatitis", "Perforated peptic ulcer", "Mesenteric ischemia"] },
    { name: "rank words", output: "Most likely: Aortic dissection\nLess likely: Acute myocardial infarction\nAlso consider: Pulmonary embolism", expected: ["Aortic dissection", "Acute myocardial infarction", "Pulmonary embolism"] },
    { name: "Diagnosis N: labels", output: "Diagnosis 1: Hashimoto thyroiditis\nDiagnosis 2: Subclinical hypothyroidism\nDiagnosis 3: Depression", expected: ["Hashimoto thyroiditis", "Subclinical hypothyroidism", "Depression"] },
    { name: "markdown table", output: "| Rank | Diagnosis | Reason |\n|---|---|---|\n| 1 | Ulcerative colitis | continuous inflammation |\n| 2 | Crohn disease | |\n| 3 | Infectious colitis | |", expected: ["Ulcerative colitis", "Crohn disease", "Infectious colitis"] },
    { name: "one per line without numbers", output: "Parkinson disease\nEssential tremor\nMultiple system atrophy", expected: ["Parkinson disease", "Essential tremor", "Multiple system atrophy"] },
    { name: "duplicates dropped and k respected", output: "1. SLE\n2. Systemic lupus erythematosus\n3. sle\n4. Rheumatoid arthritis\n5. Dermatomyositis\n6. Sjogren syndrome", expected: ["SLE", "Systemic lupus erythematosus", "Rheumatoid arthritis"] },
    { name: "numbers with closing bracket and hash", output: "#1 Phaeochromocytoma\n#2 Hyperthyroidism\n#3 Panic disorder", expected: ["Phaeochromocytoma", "Hyperthyroidism", "Panic disorder"] },
    { name: "windows line ends and trailing periods", output: "1. Cataract.\r\n2. Open-angle glaucoma.\r\n3. Age-related macular degeneration.\r\n", expected: ["Cataract", "Open-angle glaucoma", "Age-related macular degeneration"] },
    { name: "nothing usable", output: "", expected: [] },
    { name: "single bare answer", output: "Infectious mononucleosis", expected: ["Infectious mononucleosis"] },
    { name: "explanation after a comma", output: "1. Diabetic ketoacidosis, given the ketones and acidosis\n2. Hyperosmolar hyperglycemic state", expected: ["Diabetic ketoacidosis", "Hyperosmolar hyperglycemic state"] },
    { name: "heading hashes", output: "### Differential\n1. Minimal change disease\n2. Focal segmental glomerulosclerosis", expected: ["Minimal change disease", "Focal segmental glomerulosclerosis"] },
    { name: "final diagnosis heading with prose", output: "Reasoning: the lesions are periventricular.\nFinal answer: multiple sclerosis, neuromyelitis optica", expected: ["multiple sclerosis", "neuromyelitis optica"] },
    { name: "numbered items with explanation bullets under them", output: "1. **Acute cholecystitis**\n   - Murphy sign positive\n   - fever and leukocytosis\n2. **Biliary colic**\n   * pain after fatty meals\n3. **Acute hepatitis**", expected: ["Acute cholecystitis", "Biliary colic", "Acute hepatitis"] },
    { name: "nested bullets keep the outer level", output: "- Sarcoidosis\n  - bilateral hilar nodes\n- Lymphoma\n  - B symptoms\n- Tuberculosis", expected: ["Sarcoidosis", "Lymphoma", "Tuberculosis"] },
    { name: "rank words inside bold", output: "1. **Most likely:** Pulmonary embolism\n2. **Alternative:** Pneumonia\n3. **Less likely:** Pericarditis", expected: ["Pulmonary embolism", "Pneumonia", "Pericarditis"] },
    { name: "prose differential with versus", output: "The differential is aortic dissection versus acute myocardial infarction.", expected: ["aortic dissection", "acute myocardial infarction"] },
    { name: "chat preamble and closing caveat", output: "Sure! Here is my ranked differential:\n\n1. Hashimoto thyroiditis\n2. Subacute thyroiditis\n\nPlease note this is not medical advice.", expected: ["Hashimoto thyroiditis", "Subacute thyroiditis"] },
    { name: "ICD codes after names", output: "1. Gout (M10.9)\n2. Septic arthritis (M00.9)", expected: ["Gout (M10.9)", "Septic arthritis (M00.9)"] },
];

for (const c of CASES) {
    test(`parseDifferential: ${c.name}`, () => {
        const k = c.name.includes("k respected") ? 3 : 10;
        assert.deepEqual(parseDifferential(c.output, k), c.expected);
    });
}
