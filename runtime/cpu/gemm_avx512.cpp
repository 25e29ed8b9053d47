// GEMM kernels with AVX-512 VNNI over repacked weights (packed_weights.hpp): the 16 rows of
// a group sit in the lanes of one register, so each integer dot-product instruction takes 4
// values of 16 rows against 4 values of one token (broadcast), a block's scales are applied
// to 16 rows at once, and each output ends in its own lane with no reduction across lanes.
// Several tokens at a time share each decoded weight register. Order of gemm.hpp.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "core/error.hpp"
#include "runtime/cpu/gemm.hpp"
#include "runtime/cpu/packed_weights.hpp"

namespace sextant::runtime::avx512 {

namespace {

enum class Kind { Q8_0, Q4_0, Q4_1 };

// sums += the products of w's unsigned bytes with the four signed bytes at p, repeated over
// the 16 lanes.
inline __m512i dot4(__m512i sums, __m512i w, const std::int8_t* p) {
  std::int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_dpbusd_epi32(sums, w, _mm512_set1_epi32(v));
}

// Tokens t0 .. t0 + kTokens - 1 (within one tile of QuantizedActivations) times row group g;
// lanes outside `lanes` are not stored.
template <Kind K, int kTokens>
void group_times_tokens(const PackedMatrix& pm, std::int64_t g, const QuantizedActivations& x, std::int64_t t0, float* y,
                        std::int64_t stride, __mmask16 lanes) {
  constexpr int kOffset = K == Kind::Q8_0 ? 128 : K == Kind::Q4_0 ? 8 : 0;  // unsigned weight = value + kOffset
  constexpr std::int64_t kTile = QuantizedActivations::kTile;
  const std::int64_t tile = t0 / kTile, first = t0 % kTile;
  const __m512i nibble = _mm512_set1_epi8(0x0f);
  __m512 acc[kTokens];
  for (int k = 0; k < kTokens; ++k) acc[k] = _mm512_setzero_ps();
  for (std::int64_t b = 0; b < pm.blocks(); ++b) {
    const std::uint8_t* values = pm.block(g, b);
    const std::int8_t* xq = x.tile_qs(tile, b) + 4 * first;  // group j of token k at xq + 4 * (j * kTile + k)
    const float* xd = x.tile_d(tile, b) + first;
    __m512i sums[kTokens];
    for (int k = 0; k < kTokens; ++k)
      sums[k] = kOffset == 0 ? _mm512_setzero_si512() : _mm512_set1_epi32(-kOffset * x.tile_sums(tile, b)[first + k]);
    if constexpr (K == Kind::Q8_0) {
      for (int j = 0; j < 8; ++j) {
        const __m512i w = _mm512_loadu_si512(values + 64 * j);
        for (int k = 0; k < kTokens; ++k) sums[k] = dot4(sums[k], w, xq + 4 * (j * kTile + k));
      }
    } else {
      for (int j = 0; j < 4; ++j) {
        const __m512i packed = _mm512_loadu_si512(values + 64 * j);
        const __m512i low = _mm512_and_si512(packed, nibble);
        const __m512i high = _mm512_and_si512(_mm512_srli_epi16(packed, 4), nibble);
        for (int k = 0; k < kTokens; ++k) {
          sums[k] = dot4(sums[k], low, xq + 4 * (2 * j * kTile + k));
          sums[k] = dot4(sums[k], high, xq + 4 * ((2 * j + 1) * kTile + k));
        }
      }
    }
    const __m512 ws = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(pm.scales(g, b))));
    for (int k = 0; k < kTokens; ++k) {
      const __m512 scale = _mm512_mul_ps(ws, _mm512_set1_ps(xd[k]));
      acc[k] = _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(sums[k]), acc[k]);
    }
    if constexpr (K == Kind::Q4_1) {
      const __m512 wm = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(pm.mins(g, b))));
      const float* xs = x.tile_s(tile, b) + first;
      for (int k = 0; k < kTokens; ++k) acc[k] = _mm512_fmadd_ps(wm, _mm512_set1_ps(xs[k]), acc[k]);
    }
  }
  for (int k = 0; k < kTokens; ++k)
    _mm512_mask_storeu_ps(y + (t0 + k) * stride + g * PackedMatrix::kGroupRows, lanes, acc[k]);
}

template <Kind K>
void gemm(const WeightMatrix& w, std::int64_t r0, std::int64_t r1, const QuantizedActivations& x, float* y, std::int64_t stride) {
  if (!w.packed) fail("the AVX-512 kernels need packed weights");
  const PackedMatrix& pm = *w.packed;
  constexpr std::int64_t kRows = PackedMatrix::kGroupRows;
  // Token tiles small enough that their activations stay in L1 while the groups sweep them.
  constexpr std::int64_t kTokenTile = 32;
  for (std::int64_t tile = 0; tile < x.rows; tile += kTokenTile) {
    const std::int64_t tile_end = std::min(x.rows, tile + kTokenTile);
    for (std::int64_t g = r0 / kRows; g * kRows < r1; ++g) {
      const std::int64_t first = std::max(r0, g * kRows) - g * kRows, end = std::min(r1, (g + 1) * kRows) - g * kRows;
      const auto lanes = static_cast<__mmask16>(((1u << end) - 1) & ~((1u << first) - 1));
      std::int64_t t = tile;
      for (; t + 8 <= tile_end; t += 8) group_times_tokens<K, 8>(pm, g, x, t, y, stride, lanes);
      for (; t + 4 <= tile_end; t += 4) group_times_tokens<K, 4>(pm, g, x, t, y, stride, lanes);
      for (; t + 2 <= tile_end; t += 2) group_times_tokens<K, 2>(pm, g, x, t, y, stride, lanes);
      for (; t < tile_end; ++t) group_times_tokens<K, 1>(pm, g, x, t, y, stride, lanes);
    }
  }
}

}  // namespace

const GemmKernels& gemm_kernels() {
  static const GemmKernels k{"avx512vnni", gemm<Kind::Q8_0>, gemm<Kind::Q4_0>, gemm<Kind::Q4_1>};
  return k;
}

}  // namespace sextant::runtime::avx512
