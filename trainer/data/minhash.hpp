// MinHash signatures of documents over word or character shingles, and the Jaccard estimate from two signatures.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sextant::trainer {

enum class ShingleKind { kWords, kCharacters };

struct MinHashOptions {
  ShingleKind shingle = ShingleKind::kWords;
  int shingle_size = 5;    // words or characters per shingle
  int num_hashes = 120;    // signature length
  std::uint64_t seed = 1;  // picks the hash functions: same seed, same signatures
};

class MinHasher {
 public:
  // Throws sextant::Error when a size is below 1.
  explicit MinHasher(const MinHashOptions& options);

  const MinHashOptions& options() const { return options_; }

  // The hashes of the text's shingles, sorted and without repeats. The text is lowercased
  // (Python's str.lower) first. Word shingles are n-grams of split_words() (each CJK
  // character is a word); character shingles are n-grams of code points after every run of
  // whitespace became one space. A text shorter than one shingle is one shingle of all it
  // has; a text with no words (or no characters) has none.
  std::vector<std::uint64_t> shingles(std::string_view text) const;

  // signature[i] = min over shingles x of h_i(x), h_i(x) = the high 32 bits of a_i x + b_i
  // (mod 2^64), with a_i odd and b_i drawn from the seed: a multiply-add-shift hash of a
  // shingle hash that is already uniform. A text with no shingles has every entry 2^32 - 1.
  std::vector<std::uint32_t> signature(std::string_view text) const;
  void signature(std::span<const std::uint64_t> shingles, std::span<std::uint32_t> out) const;

 private:
  MinHashOptions options_;
  std::vector<std::uint64_t> multipliers_;
  std::vector<std::uint64_t> increments_;
};

// The fraction of equal entries: an unbiased estimate of the Jaccard similarity of the two
// shingle sets, with standard deviation sqrt(J (1 - J) / num_hashes).
double estimated_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b);

// |A ∩ B| / |A ∪ B| of two sorted sets without repeats (1 for two empty sets).
double jaccard(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b);

}  // namespace sextant::trainer
