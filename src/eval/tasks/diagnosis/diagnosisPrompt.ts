/**
 * The diagnosis prompts (mellama's own: the paper publishes none). Zero-shot; the model is asked for a ranked
 * differential of DIFFERENTIAL_SIZE diagnoses as a numbered list. The chain-of-thought variant (task
 * diagnosis_cot) asks for brief reasoning first and the list after a "Final differential diagnosis:" heading,
 * which parseDifferential reads from. Changing either text changes the task version (frozen by a hash test).
 */
export const DIFFERENTIAL_SIZE = 10;

export type DiagnosisPromptStyle = "zero_shot" | "cot";

export function diagnosisPrompt(presentation: string, style: DiagnosisPromptStyle, k = DIFFERENTIAL_SIZE): string {
    const head = "You are an experienced physician. Read the clinical case below and give your differential diagnosis: "
        + `the ${k} most likely final diagnoses, ranked from most to least likely.\n\nCase:\n${presentation.trim()}\n\n`;
    return style === "zero_shot"
        ? `${head}Answer with a numbered list of ${k} specific diagnoses, one per line, most likely first, with no explanations.\n\nDifferential diagnosis:\n`
        : `${head}First reason briefly, step by step, about the key findings. Then write the line "Final differential diagnosis:" `
            + `followed by a numbered list of ${k} specific diagnoses, one per line, most likely first.\n\nReasoning:\n`;
}
