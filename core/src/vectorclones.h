#pragma once

// Hot sparse loops are compiled twice on x86-64: once for AVX2 + FMA (x86-64-v3) and once for the
// baseline, and the loader picks the right one for the CPU at run time. The build stays portable
// (no -march=native) while the kernels get the same vector width as OpenBLAS's dense ones.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ESPALIER_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define ESPALIER_VECTOR_CLONES
#endif
