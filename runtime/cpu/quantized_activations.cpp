// Activation quantization with the rounding of quantize_q8_1 (tests compare the two).
#include "runtime/cpu/quantized_activations.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/cpu/thread_pool.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime {

void quantize_activations(const float* x, std::int64_t rows, std::int64_t cols, QuantizedActivations& out, ThreadPool& pool,
                          bool with_correction) {
  out.rows = rows;
  out.cols = cols;
  out.blocks = cols / 32;
  out.qs_stride = (out.blocks + 1) / 2 * 64;
  out.d_stride = (out.blocks + 1) / 2 * 2;
  out.s_stride = (out.blocks + 15) / 16 * 16;
  out.qs.assign(static_cast<std::size_t>(rows * out.qs_stride), 0);
  out.d.assign(static_cast<std::size_t>(rows * out.d_stride), 0.0f);
  out.s.assign(static_cast<std::size_t>(rows * out.s_stride), 0.0f);
  out.correction.resize(with_correction ? static_cast<std::size_t>(rows * out.qs_stride / 4) : 0);
  auto quantize_row = [&](std::int64_t t) {
    for (std::int64_t b = 0; b < out.blocks; ++b) {
      const float* xb = x + t * cols + b * 32;
      std::int8_t* row = out.qs.data() + t * out.qs_stride;
      float amax = 0.0f;
      for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(xb[j]));
      const float d = amax / 127.0f;
      const float id = d != 0.0f ? 1.0f / d : 0.0f;
      int sum = 0;
      for (int j = 0; j < 32; ++j) {
        const auto q = static_cast<std::int8_t>(round_half_even(xb[j] * id));
        row[QuantizedActivations::interleaved_offset(b, j)] = q;
        sum += q;
      }
      const float dh = fp16_to_float(float_to_fp16(d));
      out.d[t * out.d_stride + b] = dh;
      out.s[t * out.s_stride + b] = fp16_to_float(float_to_fp16(d * static_cast<float>(sum)));
    }
    if (with_correction) {
      const std::int8_t* row = out.qs.data() + t * out.qs_stride;
      std::int32_t* corr = out.correction.data() + t * (out.qs_stride / 4);
      for (std::int64_t lane = 0; lane < out.qs_stride / 4; ++lane)
        corr[lane] = -128 * (row[4 * lane] + row[4 * lane + 1] + row[4 * lane + 2] + row[4 * lane + 3]);
    }
  };
  // A few rows (decoding) are cheaper than waking the other threads.
  if (rows < 8) {
    for (std::int64_t t = 0; t < rows; ++t) quantize_row(t);
  } else {
    pool.parallel_for(rows, quantize_row);
  }
}

}  // namespace sextant::runtime
