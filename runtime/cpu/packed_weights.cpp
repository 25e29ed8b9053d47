// Repacking quantized weights into the AVX-512 kernels' layout (plain C++, done once per model).
#include "runtime/cpu/packed_weights.hpp"

#include <cstdlib>
#include <cstring>

#include "core/error.hpp"
#include "runtime/cpu/quantized_activations.hpp"
#include "runtime/quant_blocks.hpp"

namespace sextant::runtime {

std::unique_ptr<PackedMatrix> PackedMatrix::pack(const WeightMatrix& w) {
  if (w.type != TensorType::Q8_0 && w.type != TensorType::Q4_0 && w.type != TensorType::Q4_1)
    fail("cannot pack a {} matrix for the integer kernels", tensor_type_traits(w.type).name);
  auto p = std::unique_ptr<PackedMatrix>(new PackedMatrix());
  const std::int64_t nb = w.cols / kQK;
  p->type_ = w.type;
  p->rows_ = w.rows;
  p->pairs_ = (nb + 1) / 2;
  p->blocks_ = nb;
  const std::int64_t halves = 2 * p->pairs_ + (w.type == TensorType::Q4_1 ? nb : 0);
  p->row_bytes_ = static_cast<std::size_t>(p->pairs_ * p->value_bytes_per_pair() + halves * 2);
  const std::size_t total = p->row_bytes_ * static_cast<std::size_t>(w.rows);
  auto* raw = static_cast<std::uint8_t*>(std::aligned_alloc(64, total > 0 ? total : 64));
  if (!raw) fail("out of memory packing a {} x {} matrix", w.rows, w.cols);
  p->data_ = std::unique_ptr<std::uint8_t[], void (*)(std::uint8_t*)>(raw, [](std::uint8_t* q) { std::free(q); });
  std::memset(raw, 0, total);

  for (std::int64_t r = 0; r < w.rows; ++r) {
    std::uint8_t* out = raw + static_cast<std::size_t>(r) * p->row_bytes_;
    auto* scales = reinterpret_cast<std::uint16_t*>(out + p->pairs_ * p->value_bytes_per_pair());
    std::uint16_t* mins = scales + 2 * p->pairs_;
    const std::uint8_t* row = w.row(r);
    for (std::int64_t pair = 0; pair < p->pairs_; ++pair) {
      std::uint8_t v[64] = {};  // the pair's values, interleaved, as unsigned bytes
      for (int h = 0; h < 2; ++h) {
        const std::int64_t b = 2 * pair + h;
        if (b >= nb) break;
        for (int k = 0; k < kQK; ++k) {
          std::uint8_t u;
          if (w.type == TensorType::Q8_0) {
            u = static_cast<std::uint8_t>(reinterpret_cast<const BlockQ8_0*>(row)[b].qs[k] + 128);
          } else {
            const std::uint8_t* qs = w.type == TensorType::Q4_0 ? reinterpret_cast<const BlockQ4_0*>(row)[b].qs
                                                                 : reinterpret_cast<const BlockQ4_1*>(row)[b].qs;
            u = k < kQK / 2 ? (qs[k] & 0x0f) : (qs[k - kQK / 2] >> 4);
          }
          v[QuantizedActivations::interleaved_offset(h, k)] = u;
        }
        std::memcpy(&scales[2 * pair + h], row + b * static_cast<std::int64_t>(tensor_type_traits(w.type).block_bytes), 2);
        if (w.type == TensorType::Q4_1) mins[b] = reinterpret_cast<const BlockQ4_1*>(row)[b].m;
      }
      std::uint8_t* dst = out + pair * p->value_bytes_per_pair();
      if (w.type == TensorType::Q8_0) {
        std::memcpy(dst, v, 64);
      } else {
        for (int j = 0; j < 32; ++j) dst[j] = static_cast<std::uint8_t>(v[j] | (v[j + 32] << 4));
      }
    }
  }
  return p;
}

}  // namespace sextant::runtime
