// Tests of the token n-gram index: rolled hashes, windows that never cross a document's end, shards from a folder.
#include "tests/test_files.hpp"
#include "trainer/data/ngram_index.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/error.hpp"
#include "trainer/data/token_shard.hpp"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using sextant::runtime::TokenId;
using sextant::trainer::ngram_hashes;
using sextant::trainer::NgramIndex;

fs::path fresh_dir(const std::string& name) { return sextant::testing::fresh_temp_dir("ngram_" + name); }

}  // namespace

TEST_CASE("rolled n-gram hashes equal the hash of each window alone", "[trainer][data][contamination]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<TokenId> id(1, 50000);
  for (int n : {1, 2, 13, 31}) {
    std::vector<TokenId> tokens(257);
    for (auto& t : tokens) t = id(rng);
    const auto rolled = ngram_hashes(tokens, n, 0);
    REQUIRE(rolled.size() == tokens.size() - static_cast<std::size_t>(n) + 1);
    for (std::size_t i = 0; i < rolled.size(); ++i) {
      const std::vector<TokenId> window(tokens.begin() + static_cast<std::ptrdiff_t>(i),
                                        tokens.begin() + static_cast<std::ptrdiff_t>(i) + n);
      const auto alone = ngram_hashes(window, n, 0);
      REQUIRE(alone.size() == 1);
      REQUIRE(alone[0] == rolled[i]);
    }
    // Distinct windows of random ids: no two hashes alike.
    std::vector<std::uint64_t> sorted = rolled;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
  }
}

TEST_CASE("n-grams never cross the end-of-document token, and id 0 and order count", "[trainer][data][contamination]") {
  // 9 is the separator: windows of 3 are 123, 234, 345 and 678 only.
  const std::vector<TokenId> tokens = {1, 2, 3, 4, 5, 9, 6, 7, 8, 9, 1};
  const auto h = ngram_hashes(tokens, 3, 9);
  REQUIRE(h.size() == 4);
  CHECK(h[2] == ngram_hashes(std::vector<TokenId>{3, 4, 5}, 3, 9)[0]);
  CHECK(h[3] == ngram_hashes(std::vector<TokenId>{6, 7, 8}, 3, 9)[0]);
  CHECK(ngram_hashes(std::vector<TokenId>{5, 9, 6}, 3, 9).empty());
  CHECK(ngram_hashes(std::vector<TokenId>{0, 1, 2}, 3, -1)[0] != ngram_hashes(std::vector<TokenId>{1, 2}, 2, -1)[0]);
  CHECK(ngram_hashes(std::vector<TokenId>{1, 2, 3}, 3, -1)[0] != ngram_hashes(std::vector<TokenId>{3, 2, 1}, 3, -1)[0]);
  CHECK(ngram_hashes(std::vector<TokenId>{0, 0, 1}, 3, -1)[0] != ngram_hashes(std::vector<TokenId>{0, 1, 0}, 3, -1)[0]);
  CHECK(ngram_hashes(std::vector<TokenId>{1, 2}, 3, -1).empty());
}

TEST_CASE("an index over a folder of shards counts an item's n-grams found in it", "[trainer][data][contamination]") {
  const fs::path dir = fresh_dir("shards");
  // Two shards; documents end with 0. "10 11 12 13" spans the end of a document in b.bin,
  // so its 3-grams that cross it are not in the corpus.
  sextant::trainer::write_token_shard((dir / "a.bin").string(), std::vector<TokenId>{1, 2, 3, 4, 5, 0, 1, 2, 3, 0},
                                      100);
  sextant::trainer::write_token_shard((dir / "b.bin").string(), std::vector<TokenId>{10, 11, 0, 12, 13, 14, 0}, 100);
  const NgramIndex index = NgramIndex::from_shards(dir.string(), 3, 0);
  CHECK(index.n() == 3);
  CHECK(index.size() == 4);  // 123, 234, 345 (123 twice), 12 13 14
  CHECK(index.corpus_tokens() == 17);
  CHECK(index.shard_files().size() == 2);
  CHECK(index.fingerprint().size() == 16);

  const auto all = index.overlap(std::vector<TokenId>{2, 3, 4, 5});
  CHECK(all.ngrams == 2);
  CHECK(all.matched == 2);
  CHECK(all.fraction() == 1.0);
  const auto some = index.overlap(std::vector<TokenId>{10, 11, 12, 13, 14});  // 10 11 12, 11 12 13 cross a document end
  CHECK(some.ngrams == 3);
  CHECK(some.matched == 1);
  CHECK(some.fraction() == Approx(1.0 / 3.0));
  CHECK(index.overlap(std::vector<TokenId>{5, 4, 3, 2}).matched == 0);
  CHECK(index.overlap(std::vector<TokenId>{1, 2}).fraction() == 0.0);

  // The fingerprint follows the shards' content and n.
  CHECK(NgramIndex::from_shards(dir.string(), 2, 0).fingerprint() != index.fingerprint());
  sextant::trainer::write_token_shard((dir / "b.bin").string(), std::vector<TokenId>{10, 11, 0, 12, 13, 15, 0}, 100);
  CHECK(NgramIndex::from_shards(dir.string(), 3, 0).fingerprint() != index.fingerprint());
}

TEST_CASE("an index refuses a folder without shards and a corrupt shard, naming them",
          "[trainer][data][contamination]") {
  const fs::path dir = fresh_dir("empty");
  CHECK_THROWS_WITH(NgramIndex::from_shards(dir.string(), 13, 0), Contains(dir.string()) && Contains("no token shard"));
  CHECK_THROWS_WITH(NgramIndex::from_shards((dir / "absent").string(), 13, 0), Contains("absent"));
  std::ofstream((dir / "bad.bin").string()) << "not a shard at all, just text that is long enough for a header";
  CHECK_THROWS_WITH(NgramIndex::from_shards(dir.string(), 13, 0), Contains("bad.bin"));
  CHECK_THROWS_WITH(NgramIndex::from_tokens({}, 0, 0), Contains("n must be"));
}
