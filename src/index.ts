/**
 * mellama's public library surface. Each CLI command has a library function of the same name here; internals
 * (kernels' individual files, CLI plumbing) are not exported.
 */
export { MellamaError, ConfigError, FormatError } from "./errors/MellamaError.js";
export { StorageError } from "./errors/StorageError.js";

// Engine
export type { KernelSet } from "./kernels/KernelSet.js";
export { getKernelSet } from "./kernels/index.js";
export { type LlamaConfig, PRESETS, validateConfig, resolvePreset } from "./model/LlamaConfig.js";
export { toHfConfig, fromHfConfig } from "./model/hfConfig.js";
export { LlamaModel } from "./model/LlamaModel.js";
export { LoraAdapters, type LoraOptions } from "./model/lora/LoraAdapters.js";
export { saveLoraAdapter, loadLoraAdapter, mergeLora } from "./model/lora/peftAdapter.js";
export { InferenceSession, type GenerateOptions, type GenerateOutput } from "./model/inference/InferenceSession.js";
export { KvCache } from "./model/inference/KvCache.js";
export { openModel } from "./formats/model/openModel.js";
export type { ModelSource, ModelTensor, TensorStorage } from "./formats/model/ModelSource.js";
export { loadWeights } from "./model/loadWeights.js";
export { loadForInference, createInferenceSession } from "./model/inference/index.js";
export { SequenceBatcher, type SequenceBatcherOptions } from "./model/inference/SequenceBatcher.js";
export { AdamW } from "./optim/AdamW.js";
export { cosineSchedule } from "./optim/cosineSchedule.js";

// Tokenizer
export type { Tokenizer } from "./tokenizer/Tokenizer.js";
export { loadTokenizer, type LoadedTokenizer } from "./tokenizer/loadTokenizer.js";
export { ByteLevelBpe } from "./tokenizer/ByteLevelBpe.js";
export { applyChatTemplate, CHAT_TEMPLATES, type ChatMessage, encodeChat } from "./tokenizer/chatTemplates.js";
export { readChatTemplate } from "./formats/model/readChatTemplate.js";
export { trainBpe } from "./tokenizer/trainBpe.js";
export { saveTokenizer } from "./tokenizer/saveTokenizer.js";

// Formats
export { writeSafetensors } from "./formats/safetensors/writeSafetensors.js";
export { SafetensorsFile } from "./formats/safetensors/SafetensorsFile.js";
export { GgufFile } from "./formats/gguf/GgufFile.js";
export { writeGguf } from "./formats/gguf/writeGguf.js";
export { exportModel } from "./formats/hf/exportModel.js";
export { inspectModel } from "./formats/hf/inspectModel.js";
export { openShardDataset } from "./formats/shards/openShardDataset.js";

// Corpus, training, instructions
export { buildDocuments, packCorpus } from "./corpus/buildCorpus.js";
export { parseCorpusConfig } from "./corpus/CorpusConfig.js";
export { pretrain } from "./train/pretrain.js";
export { sft } from "./train/sft.js";
export { readConversations } from "./train/readConversations.js";
export { runPretrain, runSft } from "./train/runTraining.js";
export { buildInstructions } from "./instruct/buildInstructions.js";

// Evaluation
export type { LM } from "./eval/api/LM.js";
export type { Task } from "./eval/api/Task.js";
export { getTask, listTasks, TASK_NAMES } from "./eval/tasks/registry.js";
export { evaluate } from "./eval/run/evaluate.js";
export { lmFromGenerator } from "./eval/backends/lmFromGenerator.js";
export { createNativeLM, lmFromSession } from "./eval/backends/createNativeLM.js";
export { CASE_TASK_NAMES } from "./eval/tasks/registry.js";
export { compareDiagnosisRuns } from "./eval/judges/compareDiagnosisRuns.js";
export { exportReviewPack } from "./eval/judges/review/exportReviewPack.js";
export { importReviews } from "./eval/judges/review/importReviews.js";

// The nano Me-LLaMA recipe
export { runNanoMeLlama } from "./recipe/nanoMeLlama.js";

// Serving
export { serve, type ServeOptions, type RunningServer } from "./serve/serve.js";
export { createServeApp, type ServeAppOptions } from "./serve/createServeApp.js";
