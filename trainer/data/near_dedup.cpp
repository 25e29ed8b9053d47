// LSH banding over MinHash signatures, verification of candidates, and clusters by union-find.
#include "trainer/data/near_dedup.hpp"

#include <algorithm>
#include <numeric>

#include "core/config_object.hpp"
#include "core/error.hpp"
#include "trainer/data/exact_dedup.hpp"
#include "trainer/data/hashing.hpp"

namespace sextant::trainer {

namespace {

// Disjoint sets whose representative is the smallest index, so that a cluster's root is the
// document to keep.
class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), std::size_t{0}); }

  std::size_t find(std::size_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }

  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a < b) parent_[b] = a;
    if (b < a) parent_[a] = b;
  }

 private:
  std::vector<std::size_t> parent_;
};

struct BandEntry {
  std::uint64_t key;
  std::uint32_t document;
  bool operator<(const BandEntry& o) const { return key != o.key ? key < o.key : document < o.document; }
};

}  // namespace

NearDedupConfig NearDedupConfig::from_json(const nlohmann::json& j, const std::string& where) {
  const ConfigObject object(j, where);
  object.reject_unknown({"shingle", "shingle_size", "bands", "rows", "threshold", "seed"});
  NearDedupConfig c;
  const std::string shingle = object.text_or("shingle", "words");
  if (shingle == "words") {
    c.shingle = ShingleKind::kWords;
  } else if (shingle == "characters") {
    c.shingle = ShingleKind::kCharacters;
  } else {
    fail("{}: expected \"words\" or \"characters\", found \"{}\"", object.where("shingle"), shingle);
  }
  auto positive = [&](const char* key, int fallback) {
    const long long v = object.integer_or(key, fallback);
    if (v < 1 || v > 10000) fail("{}: expected an integer from 1 to 10000, found {}", object.where(key), v);
    return static_cast<int>(v);
  };
  c.shingle_size = positive("shingle_size", c.shingle_size);
  c.bands = positive("bands", c.bands);
  c.rows = positive("rows", c.rows);
  c.threshold = object.number_or("threshold", c.threshold);
  if (!(c.threshold > 0 && c.threshold <= 1))
    fail("{}: expected a number in (0, 1], found {}", object.where("threshold"), c.threshold);
  const long long seed = object.integer_or("seed", static_cast<long long>(c.seed));
  c.seed = static_cast<std::uint64_t>(seed);
  return c;
}

DedupResult deduplicate(std::span<const std::string_view> documents, const NearDedupConfig& config) {
  DedupResult result;
  const std::vector<std::size_t> first = first_exact_duplicates(documents);

  // Signatures of the distinct documents that have shingles: only those take part in LSH.
  const MinHasher hasher(config.minhash_options());
  const auto k = static_cast<std::size_t>(config.bands) * static_cast<std::size_t>(config.rows);
  std::vector<std::uint32_t> members;  // document indices, ascending
  std::vector<std::uint32_t> signatures;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (first[i] != i) {
      ++result.exact_duplicates;
      continue;
    }
    const std::vector<std::uint64_t> shingles = hasher.shingles(documents[i]);
    if (shingles.empty()) continue;
    signatures.resize(signatures.size() + k);
    hasher.signature(shingles, std::span(signatures).subspan(signatures.size() - k));
    members.push_back(static_cast<std::uint32_t>(i));
  }
  auto signature_of = [&](std::size_t member) { return std::span(signatures).subspan(member * k, k); };

  // One band at a time: sort the members by the band's key; runs of equal keys are buckets.
  // Within a bucket, a member not yet in the cluster of an earlier member is compared with
  // one representative of each cluster seen in the bucket, and joins the first it matches.
  UnionFind clusters(members.size());
  std::vector<BandEntry> entries(members.size());
  std::vector<std::size_t> representatives;
  const auto rows = static_cast<std::size_t>(config.rows);
  for (std::size_t band = 0; band < static_cast<std::size_t>(config.bands); ++band) {
    for (std::size_t m = 0; m < members.size(); ++m) {
      std::uint64_t h = band;
      for (std::uint32_t v : signature_of(m).subspan(band * rows, rows)) h = mix64(h ^ v) + v;
      entries[m] = {h, static_cast<std::uint32_t>(m)};
    }
    std::sort(entries.begin(), entries.end());
    for (std::size_t start = 0; start < entries.size();) {
      std::size_t end = start + 1;
      while (end < entries.size() && entries[end].key == entries[start].key) ++end;
      representatives.clear();
      for (std::size_t e = start; e < end; ++e) {
        const std::size_t m = entries[e].document;
        bool joined = false;
        for (std::size_t rep : representatives) {
          if (clusters.find(rep) == clusters.find(m)) {
            joined = true;
            break;
          }
        }
        for (std::size_t r = 0; r < representatives.size() && !joined; ++r) {
          ++result.candidate_pairs;
          if (estimated_jaccard(signature_of(representatives[r]), signature_of(m)) >= config.threshold) {
            ++result.verified_pairs;
            clusters.unite(representatives[r], m);
            joined = true;
          }
        }
        if (!joined) representatives.push_back(m);
      }
      start = end;
    }
  }

  result.kept_as = first;
  for (std::size_t m = 0; m < members.size(); ++m) result.kept_as[members[m]] = members[clusters.find(m)];
  for (std::size_t i = 0; i < documents.size(); ++i) {
    result.kept_as[i] = result.kept_as[first[i]];
    if (first[i] == i && result.kept_as[i] != i) ++result.near_duplicates;
  }
  return result;
}

}  // namespace sextant::trainer
