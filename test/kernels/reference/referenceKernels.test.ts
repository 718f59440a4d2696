import { referenceKernels } from "../../../src/kernels/reference/index.js";
import { runKernelConformance } from "../conformance.js";

// The reference set against the float64 transcription of the KernelSet contract: two independent readings of
// the same contract must agree.
runKernelConformance({ newKernelSet: () => referenceKernels, label: "reference" });
