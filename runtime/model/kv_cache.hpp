// The attention keys and values of one sequence, per layer, as fp16 or float. A cache may
// extend a shared, read-only base (a cached prefix): positions below the base's length are
// read from it, so many continuations of one context share its keys and values without copies.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "runtime/cpu/attention.hpp"
#include "runtime/cpu/elementwise.hpp"
#include "runtime/half.hpp"
#include "runtime/model/model_config.hpp"

namespace sextant::runtime {

class KvCache {
 public:
  KvCache(std::int64_t n_layer, std::int64_t kv_dim, KvType type)
      : type_(type), kv_dim_(kv_dim), k_(static_cast<std::size_t>(n_layer)), v_(k_.size()) {}
  explicit KvCache(const ModelConfig& c) : KvCache(c.n_layer, c.kv_dim(), c.kv_type) {}
  // A cache continuing the first `base_length` positions of `base`.
  KvCache(std::shared_ptr<const KvCache> base, std::int64_t base_length)
      : KvCache(static_cast<std::int64_t>(base->k_.size()), base->kv_dim_, base->type_) {
    base_length_ = std::min(base_length, base->length());
    base_ = std::move(base);
    length_ = base_length_;
  }

  // A cache holding the first n positions of `from`: built on it when they are all of it,
  // else a copy of those positions. Building on a cache only partly used would chain every
  // sibling onto the one before (items sharing only a prompt's opening), each keeping the
  // whole chain alive, until no entry fits the prefix cache's budget.
  static std::shared_ptr<KvCache> prefix_of(std::shared_ptr<const KvCache> from, std::int64_t n) {
    n = std::min(n, from->length());
    if (n == from->length()) return std::make_shared<KvCache>(std::move(from), n);
    auto copy = std::make_shared<KvCache>(static_cast<std::int64_t>(from->k_.size()), from->kv_dim_, from->type_);
    copy->reserve(n);
    const std::size_t row = static_cast<std::size_t>(from->kv_dim_) * from->element_bytes();
    for (std::size_t layer = 0; layer < from->k_.size(); ++layer)
      for (std::int64_t pos = 0; pos < n; ++pos) {
        const auto l = static_cast<std::int64_t>(layer);
        std::memcpy(copy->k_[layer].data() + copy->offset(pos), from->k(l, pos), row);
        std::memcpy(copy->v_[layer].data() + copy->offset(pos), from->v(l, pos), row);
      }
    copy->length_ = n;
    return copy;
  }

  KvType type() const { return type_; }
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
      for (auto& layer : *side) layer.resize(static_cast<std::size_t>(cap * kv_dim_) * element_bytes());
    capacity_ = cap;
  }

  // Stores the key and value of one position (converting to the cache's type).
  void store(std::int64_t layer, std::int64_t pos, const float* k, const float* v) {
    std::uint8_t* kd = k_[layer].data() + offset(pos);
    std::uint8_t* vd = v_[layer].data() + offset(pos);
    if (type_ == KvType::F32) {
      std::copy_n(k, kv_dim_, reinterpret_cast<float*>(kd));
      std::copy_n(v, kv_dim_, reinterpret_cast<float*>(vd));
    } else {
      to_fp16(k, reinterpret_cast<std::uint16_t*>(kd), kv_dim_);
      to_fp16(v, reinterpret_cast<std::uint16_t*>(vd), kv_dim_);
    }
  }

  // The key / value row of a position, in the cache's type (fp16 bits or float).
  const void* k(std::int64_t layer, std::int64_t pos) const {
    return pos < base_length_ ? base_->k(layer, pos) : k_[layer].data() + offset(pos);
  }
  const void* v(std::int64_t layer, std::int64_t pos) const {
    return pos < base_length_ ? base_->v(layer, pos) : v_[layer].data() + offset(pos);
  }

  // Appends the spans holding positions [0, n) of a layer, in order (the base's first).
  void spans(std::int64_t layer, std::int64_t n, std::vector<KvSpan>& out) const {
    if (base_length_ > 0) base_->spans(layer, std::min(n, base_length_), out);
    if (n > base_length_) out.push_back({k_[layer].data(), v_[layer].data(), n - base_length_});
  }

  std::size_t element_bytes() const { return type_ == KvType::F32 ? 4 : 2; }
  // Bytes this cache owns (not counting its base).
  std::size_t bytes() const { return static_cast<std::size_t>(capacity_ * kv_dim_) * 2 * k_.size() * element_bytes(); }
  // Bytes it keeps alive: its own and its base chain's (a shared base is counted by each of
  // the caches built on it, so a budget on footprints bounds the memory really held).
  std::size_t footprint_bytes() const { return bytes() + (base_ ? base_->footprint_bytes() : 0); }

 private:
  std::size_t offset(std::int64_t pos) const {
    return static_cast<std::size_t>((pos - base_length_) * kv_dim_) * element_bytes();
  }

  KvType type_;
  std::int64_t kv_dim_;
  std::int64_t capacity_ = 0;  // own positions allocated
  std::int64_t length_ = 0;
  std::int64_t base_length_ = 0;
  std::shared_ptr<const KvCache> base_;
  std::vector<std::vector<std::uint8_t>> k_, v_;
};

}  // namespace sextant::runtime
