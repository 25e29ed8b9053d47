// Q8_0 / Q4_0 / Q4_1 weights rearranged once, at load, into the layout the AVX-512 kernels read.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/cpu/matmul.hpp"

namespace sextant::runtime {

// Rows in groups of 16 (the lanes of a 512-bit register; the last group is padded with zero
// rows). Per group, per block, the 16 rows' 32 values as unsigned bytes in 4-byte lanes:
// register j holds, in lane i, row i's values 4j..4j+3 (Q8_0: value + 128, 8 registers) or,
// for Q4_0 / Q4_1 (4 registers), values 8j..8j+3 in the low nibbles and 8j+4..8j+7 in the
// high ones (raw nibbles; Q4_0's are value + 8). Then the 16 rows' fp16 scales and, for
// Q4_1, their fp16 mins, as in the file, so a packed matrix is no larger than the original.
class PackedMatrix {
 public:
  static std::unique_ptr<PackedMatrix> pack(const WeightMatrix& w);

  static constexpr int kGroupRows = 16;
  TensorType type() const { return type_; }
  std::int64_t rows() const { return rows_; }
  std::int64_t blocks() const { return blocks_; }
  std::int64_t value_bytes() const { return type_ == TensorType::Q8_0 ? 512 : 256; }  // per group and block
  // Block b of row group g: the values, then 16 scales, then (Q4_1) 16 mins.
  const std::uint8_t* block(std::int64_t g, std::int64_t b) const {
    return data_.get() + static_cast<std::size_t>(g * blocks_ + b) * block_bytes_;
  }
  const std::uint16_t* scales(std::int64_t g, std::int64_t b) const {
    return reinterpret_cast<const std::uint16_t*>(block(g, b) + value_bytes());
  }
  const std::uint16_t* mins(std::int64_t g, std::int64_t b) const { return scales(g, b) + kGroupRows; }

 private:
  TensorType type_ = TensorType::Q4_1;
  std::int64_t rows_ = 0, blocks_ = 0;
  std::size_t block_bytes_ = 0;
  std::unique_ptr<std::uint8_t[], void (*)(std::uint8_t*)> data_{nullptr, nullptr};
};

}  // namespace sextant::runtime
