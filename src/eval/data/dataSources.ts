/**
 * Where `mellama data fetch` gets each public test set: the files listed in the benchmark data's SOURCES.md, as
 * GitHub raw URLs pinned to the commits recorded there (sizes known, verified after download), written where the
 * tasks look by default. `hf` sources are Me-LLaMA's own clinicalnlplab/<name>_test datasets (Hub parquet export,
 * Me-LLaMA layout {query, answer, choices, gold}); use them with `mellama eval --task-path TASK=FILE`.
 * Not fetchable: MTSamples (the csv is derived from an R data file), PubMed summarization and BioNLI (Google Drive
 * or by request), MedNLI, i2b2, emrQA and MIMIC-CXR (credentialed; PhysioNet / n2c2 agreements).
 */
export interface SourceFile {
    url: string;
    /** Destination relative to the data directory. */
    dest: string;
    /** Bytes, where known (checked after download). */
    size?: number;
}

const RAW = "https://raw.githubusercontent.com";
const PUBMEDQA = `${RAW}/pubmedqa/pubmedqa/1cbae8e92f72f20c8d3747cbb3bf5bc53554d997/data`;
const MEDAGENTS = `${RAW}/xk-huang/medagents-benchmark/56ca11eb1ef89f6bb7fad6284008bf39e08785b0/data`;
const KEBIOLM = `${RAW}/hieunguyen7337/KeBioLM/bc7c3667c786236252ba5b26b3b921197465b7a3/data`;
const HOC_BLUE = `${RAW}/felixazzzz/Hallmarks-of-Cancer-Project/be95bc76df15aa2efaae9a9b376f1708eca036a7`;

export const GITHUB_SOURCES: Readonly<Record<string, { files: SourceFile[]; note?: string }>> = {
    pubmedqa: { files: [
        { url: `${PUBMEDQA}/ori_pqal.json`, dest: "pubmedqa/ori_pqal.json", size: 2584787 },
        { url: `${PUBMEDQA}/test_ground_truth.json`, dest: "pubmedqa/test_ground_truth.json", size: 11414 },
    ] },
    medqa: { files: [{ url: `${MEDAGENTS}/medqa/test.jsonl`, dest: "medqa/test.jsonl", size: 2103066 }] },
    medmcqa: { files: [{ url: `${MEDAGENTS}/medmcqa/test.jsonl`, dest: "medmcqa/test_medagentsbench_singlechoice_dev.jsonl", size: 924597 }] },
    ddi2013: {
        files: [{ url: `${KEBIOLM}/DDI/test.tsv`, dest: "ddi2013/blurb_format/test.tsv", size: 1754583 }],
        note: "the BLURB tsv (identical to the official XML on all 5716 pairs): evaluate with --task-path ddi2013=<dest>/ddi2013/blurb_format/test.tsv",
    },
    hoc: { files: [
        { url: `${HOC_BLUE}/test.tsv`, dest: "hoc/blue_split/test.tsv", size: 544732 },
        { url: `${HOC_BLUE}/test_docid.txt`, dest: "hoc/blue_split/test_docid.txt", size: 2814 },
    ] },
};

/** Me-LLaMA's Hub dataset per task (SOURCES.md / me-llama-spec.md §4.1); i2b2 was never on the Hub. */
export const HF_DATASETS: Readonly<Record<string, string>> = {
    pubmedqa: "clinicalnlplab/pubmedqa_test", medqa: "clinicalnlplab/medQA_test", medmcqa: "clinicalnlplab/medMCQA_test",
    emrqa: "clinicalnlplab/emrqa_test", ddi2013: "clinicalnlplab/DDI2013_test", hoc: "clinicalnlplab/HoC_test",
    mtsample: "clinicalnlplab/MTSample_test", pubmedsum: "clinicalnlplab/PubmedSumm_test", mimicsum: "clinicalnlplab/MIMIC_SUM_test",
    bionli: "clinicalnlplab/BioNLI_test", mednli: "clinicalnlplab/MedNLI_test",
};

export function hfSource(task: string): SourceFile | undefined {
    const id = HF_DATASETS[task];
    return id === undefined ? undefined
        : { url: `https://huggingface.co/api/datasets/${id}/parquet/default/test/0.parquet`, dest: `me_llama_layout/${task}_test.parquet` };
}

export const NOT_FETCHABLE: Readonly<Record<string, string>> = {
    mtsample: "mtsamples.csv is derived from clinspacy's mtsamples.rda (see the data's SOURCES.md); use --source hf for Me-LLaMA's own split",
    pubmedsum: "the PubMed summarization set is on Google Drive only; use --source hf",
    bionli: "the BioNLI test set is available from its authors on request; use --source hf (gated on the Hub)",
    mednli: "MedNLI is credentialed (PhysioNet DUA): download it from physionet.org yourself",
    i2b2: "2010 i2b2 is credentialed (n2c2 DUA): download it from the n2c2 portal yourself",
    emrqa: "emrQA is credentialed (n2c2 DUA): generate it from the n2c2 notes yourself",
    mimicsum: "MIMIC-CXR is credentialed (PhysioNet DUA): download it from physionet.org yourself",
};
