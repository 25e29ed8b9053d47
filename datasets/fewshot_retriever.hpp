// Choosing the k in-context exemplars of a few-shot prompt from a pool (a dev or train split).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "datasets/bm25_index.hpp"

namespace sextant::datasets {

// Fixed: the first k of the pool, in order (lm-eval's first_n, MMLU's 5 dev rows).
// Random: k distinct exemplars drawn from (seed, item key) alone, so a sample gets the same
// prompt whichever order or thread evaluates it (OpenCompass's RandomRetriever, seeded).
// Bm25: the k pool texts most similar to the query (OpenCompass's BM25Retriever).
enum class RetrieverKind { Fixed, Random, Bm25 };

// "fixed", "random" or "bm25"; anything else is a UsageError naming the three.
RetrieverKind parse_retriever(const std::string& name);

class FewShotRetriever {
 public:
  FewShotRetriever(RetrieverKind kind, std::vector<std::string> pool, std::uint64_t seed = 0);

  // Indexes into the pool of the k exemplars for one item, in prompt order. Pool texts
  // identical to the query are never chosen, so that a pool that is also the evaluated split
  // cannot show an item its own answer; the others keep their places (Fixed takes the next
  // one, Bm25 scores against the whole pool). More than the pool can give is an Error
  // naming k and the pool size.
  //   Random: a partial Fisher-Yates shuffle of the eligible indexes driven by SplitMix64
  //   started at splitmix64(seed) ^ item_key, with unbiased bounded draws, so the choice is
  //   the same on every platform and standard library.
  //   Bm25: the highest Bm25Index scores of the query, ties to the lower index.
  std::vector<std::size_t> select(const std::string& query, std::size_t k, std::uint64_t item_key) const;

  const std::vector<std::string>& pool() const { return pool_; }

 private:
  RetrieverKind kind_;
  std::vector<std::string> pool_;
  std::uint64_t seed_;
  std::optional<Bm25Index> bm25_;  // built once, for Bm25
};

}  // namespace sextant::datasets
