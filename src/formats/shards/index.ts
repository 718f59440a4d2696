/**
 * The token-shard API the trainer uses: a corpus directory opened as fixed-length sequences with positioned
 * reads, the Megatron .bin/.idx writer and reader underneath, and a resumable seeded sampler.
 */
export { openShardDataset, type ShardDataset } from "./openShardDataset.js";
export { openMegatronIndexed, writeMegatronIndexed, type MegatronDataset, DTYPE_INT32, DTYPE_UINT16 } from "./megatronIndexed.js";
export { MegatronWriter } from "./MegatronWriter.js";
