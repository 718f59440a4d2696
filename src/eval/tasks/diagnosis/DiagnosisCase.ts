/**
 * One clinical case of a diagnosis study, as a line of the cases jsonl file (docs/tasks/diagnosis.md):
 *   {"id": "...", "presentation": "...", "diagnosis": "...", "synonyms": ["..."], "icd10": ["..."],
 *    "source": "...", "date": "YYYY-MM-DD"}
 * id, presentation and diagnosis are required; synonyms (accepted alternative names of the final diagnosis),
 * icd10 codes, source and date are optional. Teams bring their own cases (NEJM CPC cases are copyrighted);
 * mellama ships a small SYNTHETIC set (synthetic_cases.jsonl beside this file) for tests and the demo.
 */
export interface DiagnosisCase {
    id: string;
    presentation: string;
    diagnosis: string;
    synonyms: string[];
    icd10: string[];
    source?: string;
    date?: string;
}
