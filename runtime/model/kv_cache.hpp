// The attention keys and values of one sequence, per layer, stored as fp16 (as llama.cpp
// stores them by default: half the memory, and the same rounding). A cache may extend a
// shared, read-only base (a cached prefix): positions below the base's length are read
// from it, so many continuations of one context share its keys and values without copies.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

namespace sextant::runtime {

class KvCache {
 public:
  KvCache(std::int64_t n_layer, std::int64_t kv_dim) : kv_dim_(kv_dim), k_(static_cast<std::size_t>(n_layer)), v_(k_.size()) {}
  // A cache continuing the first `base_length` positions of `base`.
  KvCache(std::shared_ptr<const KvCache> base, std::int64_t base_length)
      : KvCache(static_cast<std::int64_t>(base->k_.size()), base->kv_dim_) {
    base_length_ = std::min(base_length, base->length());
    base_ = std::move(base);
    length_ = base_length_;
  }

  std::int64_t kv_dim() const { return kv_dim_; }
  // Positions [0, length) hold valid keys and values.
  std::int64_t length() const { return length_; }
  void set_length(std::int64_t n) { length_ = n; }
  std::int64_t base_length() const { return base_length_; }

  // Makes room for positions [0, n) in every layer, keeping what is there.
  void reserve(std::int64_t n) {
    const std::int64_t own = n - base_length_;
    if (own <= capacity_) return;
    const std::int64_t cap = std::max<std::int64_t>(own, capacity_ * 2);
    for (auto* side : {&k_, &v_})
      for (auto& layer : *side) layer.resize(static_cast<std::size_t>(cap * kv_dim_));
    capacity_ = cap;
  }

  std::uint16_t* k(std::int64_t layer, std::int64_t pos) { return k_[layer].data() + (pos - base_length_) * kv_dim_; }
  std::uint16_t* v(std::int64_t layer, std::int64_t pos) { return v_[layer].data() + (pos - base_length_) * kv_dim_; }
  const std::uint16_t* k(std::int64_t layer, std::int64_t pos) const {
    return pos < base_length_ ? base_->k(layer, pos) : k_[layer].data() + (pos - base_length_) * kv_dim_;
  }
  const std::uint16_t* v(std::int64_t layer, std::int64_t pos) const {
    return pos < base_length_ ? base_->v(layer, pos) : v_[layer].data() + (pos - base_length_) * kv_dim_;
  }

  // Bytes this cache owns (not counting its base).
  std::size_t bytes() const { return static_cast<std::size_t>(capacity_ * kv_dim_) * 2 * k_.size() * sizeof(std::uint16_t); }

 private:
  std::int64_t kv_dim_;
  std::int64_t capacity_ = 0;  // own positions allocated
  std::int64_t length_ = 0;
  std::int64_t base_length_ = 0;
  std::shared_ptr<const KvCache> base_;
  std::vector<std::vector<std::uint16_t>> k_, v_;
};

}  // namespace sextant::runtime
