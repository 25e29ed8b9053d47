// Choosing the k in-context exemplars of a few-shot prompt from a pool (a dev or train split).
#include "datasets/fewshot_retriever.hpp"

#include <algorithm>
#include <utility>

#include "core/error.hpp"

namespace sextant::datasets {

namespace {

// SplitMix64 (Steele, Lea and Flood 2014, with the constants of Vigna's splitmix64.c):
// small, fast, and fully specified, unlike std::uniform_int_distribution.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t state) : state_(state) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n) for n > 0: draws below 2^64 mod n are redrawn, so that every residue
  // has the same number of draws behind it.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t rejected = (0 - n) % n;
    for (;;) {
      const std::uint64_t r = next();
      if (r >= rejected) return r % n;
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace

RetrieverKind parse_retriever(const std::string& name) {
  if (name == "fixed") return RetrieverKind::Fixed;
  if (name == "random") return RetrieverKind::Random;
  if (name == "bm25") return RetrieverKind::Bm25;
  throw UsageError(fmt::format("unknown few-shot retriever \"{}\" (known: fixed, random, bm25)", name));
}

FewShotRetriever::FewShotRetriever(RetrieverKind kind, std::vector<std::string> pool, std::uint64_t seed)
    : kind_(kind), pool_(std::move(pool)), seed_(seed) {
  if (kind_ == RetrieverKind::Bm25) bm25_.emplace(pool_);
}

std::vector<std::size_t> FewShotRetriever::select(const std::string& query, std::size_t k,
                                                  std::uint64_t item_key) const {
  std::vector<std::size_t> eligible;
  eligible.reserve(pool_.size());
  for (std::size_t i = 0; i < pool_.size(); ++i) {
    if (pool_[i] != query) eligible.push_back(i);
  }
  if (k > eligible.size()) {
    const std::size_t excluded = pool_.size() - eligible.size();
    fail("few-shot: {} exemplars were asked for but the pool has {} texts{}", k, pool_.size(),
         excluded ? fmt::format(" ({} of them the query itself, which is left out)", excluded) : std::string());
  }
  switch (kind_) {
    case RetrieverKind::Fixed:
      break;
    case RetrieverKind::Random: {
      SplitMix64 rng(SplitMix64(seed_).next() ^ item_key);
      for (std::size_t i = 0; i < k; ++i) {
        std::swap(eligible[i], eligible[i + rng.below(eligible.size() - i)]);
      }
      break;
    }
    case RetrieverKind::Bm25: {
      const std::vector<double> scores = bm25_->scores(query);
      std::partial_sort(
          eligible.begin(), eligible.begin() + static_cast<std::ptrdiff_t>(k), eligible.end(),
          [&](std::size_t a, std::size_t b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); });
      break;
    }
  }
  eligible.resize(k);
  return eligible;
}

}  // namespace sextant::datasets
