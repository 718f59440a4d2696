{
  # The native kernel addon (src/kernels/native). This source list is the one place that names its compiled
  # files (the .inc/.h beside them are included by these: kernelsImpl.inc and its parts by each variant).
  # Every file is compiled for baseline x86-64 (or the host's baseline elsewhere); the AVX2 and AVX-512 variants
  # raise their own target with a pragma, and addon.cpp picks one at run time from CPUID, so one binary runs
  # on every CPU. Output: build/Release/mellama_kernels.node (TypeScript's declarations go to build/types).
  "targets": [
    {
      "target_name": "mellama_kernels",
      "sources": [
        "src/kernels/native/addon.cpp",
        "src/kernels/native/ThreadPool.cpp",
        "src/kernels/native/quantizeBlocks.cpp",
        "src/kernels/native/variantScalar.cpp",
        "src/kernels/native/variantAvx2.cpp",
        "src/kernels/native/variantAvx512.cpp",
        "src/kernels/native/variantEmu16.cpp"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fvisibility=hidden", "-fno-math-errno"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fvisibility=hidden", "-fno-math-errno"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17", "/O2"] }
      }
    }
  ]
}
