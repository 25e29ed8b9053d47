// Repacking quantized weights into the AVX-512 kernels' layout (plain C++, done once per model).
#include "runtime/cpu/packed_weights.hpp"

#include <cstdlib>
#include <cstring>

#include "core/error.hpp"
#include "runtime/quant_blocks.hpp"

namespace sextant::runtime {

namespace {

// The 32 values of block b of a row as unsigned bytes (see PackedMatrix), and where its
// fp16 scale and (Q4_1) min are.
void unsigned_values(TensorType type, const std::uint8_t* row, std::int64_t b, std::uint8_t* u, const std::uint16_t*& scale,
                     const std::uint16_t*& min) {
  min = nullptr;
  if (type == TensorType::Q8_0) {
    const auto& blk = reinterpret_cast<const BlockQ8_0*>(row)[b];
    for (int k = 0; k < kQK; ++k) u[k] = static_cast<std::uint8_t>(blk.qs[k] + 128);
    scale = &blk.d;
    return;
  }
  const std::uint8_t* qs;
  if (type == TensorType::Q4_0) {
    const auto& blk = reinterpret_cast<const BlockQ4_0*>(row)[b];
    qs = blk.qs;
    scale = &blk.d;
  } else {
    const auto& blk = reinterpret_cast<const BlockQ4_1*>(row)[b];
    qs = blk.qs;
    scale = &blk.d;
    min = &blk.m;
  }
  for (int k = 0; k < kQK / 2; ++k) {
    u[k] = qs[k] & 0x0f;
    u[k + kQK / 2] = qs[k] >> 4;
  }
}

}  // namespace

std::unique_ptr<PackedMatrix> PackedMatrix::pack(const WeightMatrix& w) {
  if (w.type != TensorType::Q8_0 && w.type != TensorType::Q4_0 && w.type != TensorType::Q4_1)
    fail("cannot pack a {} matrix for the integer kernels", tensor_type_traits(w.type).name);
  auto p = std::unique_ptr<PackedMatrix>(new PackedMatrix());
  p->type_ = w.type;
  p->rows_ = w.rows;
  p->blocks_ = w.cols / kQK;
  p->block_bytes_ = static_cast<std::size_t>(p->value_bytes() + (w.type == TensorType::Q4_1 ? 64 : 32));
  const std::int64_t groups = (w.rows + kGroupRows - 1) / kGroupRows;
  const std::size_t total = p->block_bytes_ * static_cast<std::size_t>(groups * p->blocks_);
  auto* raw = static_cast<std::uint8_t*>(std::aligned_alloc(64, total > 0 ? (total + 63) / 64 * 64 : 64));
  if (!raw) fail("out of memory packing a {} x {} matrix", w.rows, w.cols);
  p->data_ = std::unique_ptr<std::uint8_t[], void (*)(std::uint8_t*)>(raw, [](std::uint8_t* q) { std::free(q); });
  std::memset(raw, 0, total);

  for (std::int64_t r = 0; r < w.rows; ++r) {
    const std::int64_t g = r / kGroupRows, lane = r % kGroupRows;
    for (std::int64_t b = 0; b < p->blocks_; ++b) {
      std::uint8_t u[kQK];
      const std::uint16_t *scale, *min;
      unsigned_values(w.type, w.row(r), b, u, scale, min);
      auto* out = const_cast<std::uint8_t*>(p->block(g, b));
      for (int k = 0; k < kQK; ++k) {
        if (w.type == TensorType::Q8_0) {
          out[64 * (k / 4) + 4 * lane + k % 4] = u[k];
        } else {
          const int j = k / 8, m = k % 8;  // register j; m < 4: low nibble of byte m, else high nibble of byte m - 4
          out[64 * j + 4 * lane + m % 4] |= static_cast<std::uint8_t>(m < 4 ? u[k] : u[k] << 4);
        }
      }
      std::memcpy(out + p->value_bytes() + 2 * lane, scale, 2);
      if (min) std::memcpy(out + p->value_bytes() + 2 * kGroupRows + 2 * lane, min, 2);
    }
  }
  return p;
}

}  // namespace sextant::runtime
