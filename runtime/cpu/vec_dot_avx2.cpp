// The x86 dot products built for AVX2 + FMA + F16C.
#define SEXTANT_VNNI 0
#define SEXTANT_ISA_NAMESPACE avx2
#define SEXTANT_ISA_NAME "avx2"
#include "runtime/cpu/vec_dot_x86.inc"
