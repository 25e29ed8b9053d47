// Q8_0 / Q4_0 / Q4_1 weights rearranged once, at load, into the layout the AVX-512 kernels read.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/cpu/matmul.hpp"

namespace sextant::runtime {

// Per row, per pair of blocks (2p, 2p + 1), the 64 values in the pair-interleaved order of
// QuantizedActivations, as unsigned bytes: Q4_1 and Q4_0 keep their raw nibbles (Q4_0's
// are value + 8), two per byte (byte j holds value j in its low nibble and value j + 32 in
// its high one); Q8_0 stores value + 128, one per byte. Then the blocks' scales and (Q4_1)
// mins as fp16, as in the file, so a packed matrix is no larger than the original. A
// missing second block is zeros.
class PackedMatrix {
 public:
  static std::unique_ptr<PackedMatrix> pack(const WeightMatrix& w);

  TensorType type() const { return type_; }
  std::int64_t pairs() const { return pairs_; }
  std::int64_t value_bytes_per_pair() const { return type_ == TensorType::Q8_0 ? 64 : 32; }
  const std::uint8_t* values(std::int64_t r) const { return row(r); }
  std::int64_t blocks() const { return blocks_; }
  const std::uint16_t* scales(std::int64_t r) const {
    return reinterpret_cast<const std::uint16_t*>(row(r) + pairs_ * value_bytes_per_pair());
  }
  const std::uint16_t* mins(std::int64_t r) const { return scales(r) + 2 * pairs_; }

 private:
  const std::uint8_t* row(std::int64_t r) const { return data_.get() + static_cast<std::size_t>(r) * row_bytes_; }

  TensorType type_ = TensorType::Q4_1;
  std::int64_t rows_ = 0, pairs_ = 0, blocks_ = 0;
  std::size_t row_bytes_ = 0;
  std::unique_ptr<std::uint8_t[], void (*)(std::uint8_t*)> data_{nullptr, nullptr};
};

}  // namespace sextant::runtime
