// Near-duplicate removal: exact duplicates first, then MinHash with LSH banding and verified candidate pairs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trainer/data/minhash.hpp"

namespace sextant::trainer {

// A pair of documents is a candidate when all `rows` signature entries of at least one of
// `bands` bands agree: the chance is 1 - (1 - J^rows)^bands for Jaccard J, an S-curve
// whose midpoint is near (1/bands)^(1/rows). A candidate is a duplicate when its estimated
// Jaccard (over all bands x rows entries) is at least `threshold`. The defaults (20 x 6 =
// 120 hash functions, 5-word shingles, threshold 0.8) make a pair at J = 0.8 a candidate
// with probability 0.998, at J = 0.5 with 0.27, at J = 0.3 with 0.015.
struct NearDedupConfig {
  ShingleKind shingle = ShingleKind::kWords;
  int shingle_size = 5;
  int bands = 20;
  int rows = 6;
  double threshold = 0.8;
  std::uint64_t seed = 1;

  MinHashOptions minhash_options() const { return {shingle, shingle_size, bands * rows, seed}; }

  // Starts from the defaults and sets the keys present ("shingle": "words" or "characters",
  // "shingle_size", "bands", "rows", "threshold", "seed"); an unknown key or a bad value is an
  // error naming the key.
  static NearDedupConfig from_json(const nlohmann::json& j, const std::string& where);
};

struct DedupResult {
  // For each document, the first document of its duplicate cluster: its own index when it
  // is kept. Clusters are the connected components of the duplicate pairs (union-find), so
  // a chain A ~ B ~ C keeps A alone even when A and C are further apart than the threshold.
  std::vector<std::size_t> kept_as;
  std::size_t exact_duplicates = 0;  // documents identical to an earlier one
  std::size_t near_duplicates = 0;   // the other documents dropped
  std::size_t candidate_pairs = 0;   // pairs whose estimated Jaccard was computed
  std::size_t verified_pairs = 0;    // of those, the pairs at or above the threshold

  bool kept(std::size_t i) const { return kept_as[i] == i; }
};

// Deduplicates a corpus in memory: signatures take num_hashes x 4 bytes per distinct
// document. Deterministic for a given config (the seed picks the hash functions).
DedupResult deduplicate(std::span<const std::string_view> documents, const NearDedupConfig& config);

}  // namespace sextant::trainer
