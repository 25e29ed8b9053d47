// The x86 dot products built for AVX-512 VNNI (256-bit forms).
#define SEXTANT_VNNI 1
#define SEXTANT_ISA_NAMESPACE avx512vnni
#define SEXTANT_ISA_NAME "avx512vnni"
#include "runtime/cpu/vec_dot_x86.inc"
