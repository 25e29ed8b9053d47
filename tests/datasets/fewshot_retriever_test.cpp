// Few-shot exemplar choice: BM25 against rank_bm25 (scripts/gen/bm25_goldens.py), fixed, seeded random.
#include "datasets/fewshot_retriever.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.hpp"
#include "datasets/bm25_index.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

using namespace sextant::datasets;

namespace {

nlohmann::json bm25_goldens() {
  return nlohmann::json::parse(sextant::testing::read_all(sextant::testing::fixture("datasets/bm25_goldens.json")));
}

std::vector<std::string> numbered_pool(std::size_t n) {
  std::vector<std::string> pool;
  for (std::size_t i = 0; i < n; ++i) pool.push_back("text " + std::to_string(i));
  return pool;
}

}  // namespace

TEST_CASE("bm25 tokens split words, lower-case ASCII and give each CJK ideograph its own token", "[datasets]") {
  const auto goldens = bm25_goldens();
  for (const auto& row : goldens["tokens"]) {
    INFO("text: " << row["text"].get<std::string>());
    CHECK(bm25_tokens(row["text"].get<std::string>()) == row["tokens"].get<std::vector<std::string>>());
  }
}

TEST_CASE("bm25 scores and top-k agree with rank_bm25's BM25Okapi on ARC and C-Eval questions", "[datasets]") {
  const auto goldens = bm25_goldens();
  const auto pool = goldens["pool"].get<std::vector<std::string>>();
  const std::size_t k = goldens["k"];
  const Bm25Index index(pool);
  const FewShotRetriever retriever(RetrieverKind::Bm25, pool);
  REQUIRE(goldens["queries"].size() == 5);
  for (const auto& row : goldens["queries"]) {
    const std::string query = row["query"];
    INFO("query: " << query);
    const auto expected = row["scores"].get<std::vector<double>>();
    const auto scores = index.scores(query);
    REQUIRE(scores.size() == expected.size());
    for (std::size_t i = 0; i < scores.size(); ++i) {
      INFO("pool text " << i);
      CHECK(std::fabs(scores[i] - expected[i]) <= 1e-9 * std::fabs(expected[i]));
    }
    const auto top = retriever.select(query, k, 0);
    CHECK(top == row["top"].get<std::vector<std::size_t>>());
    for (std::size_t i = 0; i < top.size(); ++i) {
      const double want = row["top_scores"][i];
      CHECK(std::fabs(scores[top[i]] - want) <= 1e-9 * std::fabs(want));
    }
  }
}

TEST_CASE("bm25 of a pool without any words scores every text 0", "[datasets]") {
  const Bm25Index index({"", "?!", "  "});
  CHECK(index.scores("anything") == std::vector<double>{0, 0, 0});
  CHECK(FewShotRetriever(RetrieverKind::Bm25, {"", "?!", "  "}).select("x", 2, 0) == std::vector<std::size_t>{0, 1});
}

TEST_CASE("fixed retrieval takes the pool in order and skips the query's own text", "[datasets]") {
  const FewShotRetriever retriever(RetrieverKind::Fixed, {"a", "b", "a", "c", "d"});
  CHECK(retriever.select("z", 3, 0) == std::vector<std::size_t>{0, 1, 2});
  CHECK(retriever.select("a", 3, 0) == std::vector<std::size_t>{1, 3, 4});
  CHECK(retriever.select("z", 0, 0).empty());
}

TEST_CASE("asking for more exemplars than the pool holds is an error naming both counts", "[datasets]") {
  const FewShotRetriever retriever(RetrieverKind::Random, {"a", "b", "c"});
  CHECK_THROWS_WITH(retriever.select("z", 4, 0), Catch::Contains("4 exemplars") && Catch::Contains("3 texts"));
  CHECK_THROWS_WITH(retriever.select("b", 3, 0), Catch::Contains("3 exemplars") && Catch::Contains("3 texts") &&
                                                     Catch::Contains("1 of them the query itself"));
  CHECK(retriever.select("b", 2, 0).size() == 2);
}

TEST_CASE("retriever names parse, and an unknown one is a usage error", "[datasets]") {
  CHECK(parse_retriever("fixed") == RetrieverKind::Fixed);
  CHECK(parse_retriever("random") == RetrieverKind::Random);
  CHECK(parse_retriever("bm25") == RetrieverKind::Bm25);
  CHECK_THROWS_AS(parse_retriever("BM25"), sextant::UsageError);
  CHECK_THROWS_WITH(parse_retriever("topk"), Catch::Contains("topk") && Catch::Contains("fixed, random, bm25"));
}

TEST_CASE("random retrieval depends only on the seed and item key, the same on every platform", "[datasets]") {
  // Pinned from a Python transcription of the sampler (SplitMix64 started at
  // splitmix64(seed) ^ item_key; j = i + below(n - i); swap): any change to them changes
  // every published few-shot prompt.
  const FewShotRetriever ten(RetrieverKind::Random, numbered_pool(10));
  CHECK(ten.select("q", 3, 0) == std::vector<std::size_t>{5, 3, 9});
  CHECK(ten.select("q", 3, 1) == std::vector<std::size_t>{0, 3, 8});
  CHECK(ten.select("q", 3, 2) == std::vector<std::size_t>{7, 8, 4});
  CHECK(FewShotRetriever(RetrieverKind::Random, numbered_pool(30), 42).select("q", 5, 7) ==
        std::vector<std::size_t>{6, 18, 7, 26, 19});
  CHECK(FewShotRetriever(RetrieverKind::Random, numbered_pool(10), 1).select("q", 10, 0) ==
        std::vector<std::size_t>{8, 7, 2, 0, 9, 5, 4, 3, 6, 1});

  // The order items are processed in does not matter; the seed does.
  const auto first = ten.select("q", 4, 123);
  (void)ten.select("q", 4, 5);
  CHECK(ten.select("q", 4, 123) == first);
  CHECK(FewShotRetriever(RetrieverKind::Random, numbered_pool(10), 9).select("q", 4, 123) != first);
}

TEST_CASE("random retrieval picks distinct exemplars, never the query, about uniformly", "[datasets]") {
  auto pool = numbered_pool(7);
  pool.push_back("the query");
  const FewShotRetriever retriever(RetrieverKind::Random, pool, 3);
  std::vector<int> counts(pool.size(), 0);
  constexpr int kItems = 7000;
  for (int item = 0; item < kItems; ++item) {
    const auto chosen = retriever.select("the query", 3, static_cast<std::uint64_t>(item));
    REQUIRE(std::set<std::size_t>(chosen.begin(), chosen.end()).size() == 3);
    for (std::size_t i : chosen) ++counts[i];
  }
  CHECK(counts[7] == 0);
  // Each of the 7 others is expected 3000 times; the standard deviation is about 43.
  for (std::size_t i = 0; i < 7; ++i) {
    INFO("pool text " << i);
    CHECK(std::abs(counts[i] - 3000) < 250);
  }
}
