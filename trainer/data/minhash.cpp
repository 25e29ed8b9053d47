// Shingling, MinHash signatures and Jaccard similarity.
#include "trainer/data/minhash.hpp"

#include <algorithm>
#include <limits>

#include "core/error.hpp"
#include "metrics/unicode_properties.hpp"
#include "metrics/utf8.hpp"
#include "trainer/data/hashing.hpp"
#include "trainer/data/text_words.hpp"

namespace sextant::trainer {

MinHasher::MinHasher(const MinHashOptions& options) : options_(options) {
  if (options.shingle_size < 1) fail("minhash: shingle_size must be at least 1, not {}", options.shingle_size);
  if (options.num_hashes < 1) fail("minhash: num_hashes must be at least 1, not {}", options.num_hashes);
  std::uint64_t state = options.seed;
  auto next = [&] { return mix64(state += 0x9e3779b97f4a7c15ull); };  // splitmix64
  for (int i = 0; i < options.num_hashes; ++i) {
    multipliers_.push_back(next() | 1);
    increments_.push_back(next());
  }
}

std::vector<std::uint64_t> MinHasher::shingles(std::string_view utf8) const {
  const std::u32string text = metrics::to_lower(metrics::decode_utf8(utf8));
  const auto n = static_cast<std::size_t>(options_.shingle_size);
  std::vector<std::uint64_t> units;  // a hash per word, or per character
  if (options_.shingle == ShingleKind::kWords) {
    const std::u32string_view view(text);
    for (const Word& w : split_words(view)) units.push_back(hash_code_points(view.substr(w.begin, w.length)));
  } else {
    bool space = true;  // drops leading whitespace
    for (char32_t c : text) {
      if (is_space(c)) {
        if (!space) units.push_back(mix64(' '));
        space = true;
      } else {
        units.push_back(mix64(c));
        space = false;
      }
    }
    if (!units.empty() && space) units.pop_back();
  }
  std::vector<std::uint64_t> out;
  if (units.empty()) return out;
  const std::size_t width = std::min(n, units.size());
  out.reserve(units.size() - width + 1);
  for (std::size_t i = 0; i + width <= units.size(); ++i) {
    std::uint64_t h = width;
    for (std::size_t j = 0; j < width; ++j) h = h * 0x9e3779b97f4a7c15ull + units[i + j];
    out.push_back(mix64(h));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void MinHasher::signature(std::span<const std::uint64_t> shingles, std::span<std::uint32_t> out) const {
  const std::size_t k = multipliers_.size();
  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k), std::numeric_limits<std::uint32_t>::max());
  const std::uint64_t* a = multipliers_.data();
  const std::uint64_t* b = increments_.data();
  std::uint32_t* sig = out.data();
  for (std::uint64_t x : shingles) {
    for (std::size_t i = 0; i < k; ++i) sig[i] = std::min(sig[i], static_cast<std::uint32_t>((a[i] * x + b[i]) >> 32));
  }
}

std::vector<std::uint32_t> MinHasher::signature(std::string_view text) const {
  std::vector<std::uint32_t> sig(multipliers_.size());
  signature(shingles(text), sig);
  return sig;
}

double estimated_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  const std::size_t k = std::min(a.size(), b.size());
  if (k == 0) return 0;
  std::size_t equal = 0;
  for (std::size_t i = 0; i < k; ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(k);
}

double jaccard(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  if (a.empty() && b.empty()) return 1;
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common, ++i, ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

}  // namespace sextant::trainer
