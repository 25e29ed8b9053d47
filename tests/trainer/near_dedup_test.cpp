// Exact and MinHash near-duplicate removal: constructed Jaccard around the threshold, the estimator's error, clusters,
// determinism.
#include "trainer/data/near_dedup.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "core/error.hpp"
#include "trainer/data/exact_dedup.hpp"
#include "trainer/data/minhash.hpp"

using namespace sextant::trainer;

namespace {

// Document i of a family: `length` words, of which the words at positions where
// mutated(i, position) holds are replaced by fresh ones. Words are distinct ("w<number>"),
// so every 5-word shingle is distinct and the Jaccard of two documents follows from how
// many shingles they share.
class WordSource {
 public:
  explicit WordSource(std::uint64_t seed) : state_(seed) {}
  std::string fresh() {
    std::string w = "w";
    return w += std::to_string(counter_++);
  }
  double uniform() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state_ >> 11) / 9007199254740992.0;
  }

 private:
  std::uint64_t state_;
  std::uint64_t counter_ = 0;
};

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

// A base document and a copy with `changes` words replaced, spread evenly.
std::pair<std::string, std::string> pair_with_changes(WordSource& src, int length, int changes) {
  std::vector<std::string> a;
  for (int i = 0; i < length; ++i) a.push_back(src.fresh());
  std::vector<std::string> b = a;
  for (int c = 0; c < changes; ++c) b[static_cast<std::size_t>((c * 2 + 1) * length / (2 * changes))] = src.fresh();
  return {join(a), join(b)};
}

double exact_jaccard(const MinHasher& hasher, const std::string& a, const std::string& b) {
  return jaccard(hasher.shingles(a), hasher.shingles(b));
}

}  // namespace

TEST_CASE("exact duplicates point at the first copy, byte for byte", "[trainer]") {
  const std::vector<std::string_view> docs = {"a", "b", "a", "", "", "b", "a ", "A"};
  CHECK(first_exact_duplicates(docs) == std::vector<std::size_t>{0, 1, 0, 3, 3, 1, 6, 7});
  CHECK(first_exact_duplicates({}).empty());
}

TEST_CASE("deduplicate drops exact duplicates and keeps the first", "[trainer]") {
  WordSource src(1);
  const auto [a, b] = pair_with_changes(src, 60, 30);
  const std::vector<std::string_view> docs = {a, b, a, a, b};
  const DedupResult r = deduplicate(docs, NearDedupConfig{});
  CHECK(r.kept_as == std::vector<std::size_t>{0, 1, 0, 0, 1});
  CHECK(r.exact_duplicates == 3);
  CHECK(r.near_duplicates == 0);
}

TEST_CASE("near duplicates are found above the Jaccard threshold and not well below it", "[trainer]") {
  // With 120 hashes in 20 bands of 6 and threshold 0.8: a pair at J >= 0.9 is a candidate
  // with probability > 0.9999 and its estimate falls below 0.8 with probability < 1e-4
  // (3.8 standard deviations); a pair at J <= 0.6 reaches an estimate of 0.8 with
  // probability < 1e-5 (4.5 standard deviations). So the outcome holds for any seed.
  const NearDedupConfig config;
  const MinHasher hasher(config.minhash_options());
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    NearDedupConfig seeded = config;
    seeded.seed = seed;
    WordSource src(seed);
    int near = 0, far = 0;
    for (int changes : {1, 2, 3, 4, 24, 30, 40}) {
      for (int repeat = 0; repeat < 5; ++repeat) {
        const auto [a, b] = pair_with_changes(src, 400, changes);
        const double j = exact_jaccard(hasher, a, b);
        const std::vector<std::string_view> docs = {a, b};
        const DedupResult r = deduplicate(docs, seeded);
        INFO("seed " << seed << ", " << changes << " changes, Jaccard " << j);
        if (j >= 0.9) {
          ++near;
          CHECK(r.kept_as[1] == 0);
          CHECK(r.near_duplicates == 1);
        } else {
          REQUIRE(j <= 0.6);
          ++far;
          CHECK(r.kept(1));
        }
      }
    }
    CHECK(near == 20);
    CHECK(far == 15);
  }
}

TEST_CASE("the minhash estimate's error is within its standard deviation over many pairs", "[trainer]") {
  // The estimate of J from k hashes is a binomial fraction: standard deviation
  // sqrt(J (1 - J) / k). Over 400 pairs with J from 0.05 to 0.95, the standardised errors
  // must look standard: mean near 0, mean square near 1, none beyond 5.
  MinHashOptions options;
  options.num_hashes = 120;
  options.seed = 7;
  const MinHasher hasher(options);
  WordSource src(11);
  double sum = 0, sum_squares = 0, worst = 0;
  const int pairs = 400;
  for (int p = 0; p < pairs; ++p) {
    const int changes = 1 + static_cast<int>(src.uniform() * 50);
    const auto [a, b] = pair_with_changes(src, 300, changes);
    const double j = exact_jaccard(hasher, a, b);
    REQUIRE(j > 0.01);
    REQUIRE(j < 0.99);
    const double estimate = estimated_jaccard(hasher.signature(a), hasher.signature(b));
    const double z = (estimate - j) / std::sqrt(j * (1 - j) / options.num_hashes);
    sum += z;
    sum_squares += z * z;
    worst = std::max(worst, std::abs(z));
  }
  CHECK(std::abs(sum / pairs) < 0.25);
  CHECK(sum_squares / pairs > 0.7);
  CHECK(sum_squares / pairs < 1.4);
  CHECK(worst < 5);
}

TEST_CASE("jaccard of shingle sets: word 5-grams, and a text shorter than a shingle", "[trainer]") {
  const MinHasher hasher(MinHashOptions{});
  // 10 words: 6 shingles; changing the last word changes one of them: 5 shared of 7.
  CHECK(exact_jaccard(hasher, "a b c d e f g h i j", "a b c d e f g h i x") == Approx(5.0 / 7));
  // Case does not matter.
  CHECK(exact_jaccard(hasher, "A B C D E F", "a b c d e f") == 1);
  CHECK(hasher.shingles("just three words").size() == 1);
  CHECK(hasher.shingles(" \n ").empty());
  MinHashOptions chars;
  chars.shingle = ShingleKind::kCharacters;
  chars.shingle_size = 3;
  const MinHasher char_hasher(chars);
  CHECK(char_hasher.shingles("abcd").size() == 2);
  CHECK(char_hasher.shingles("  ab   cd ") == char_hasher.shingles("ab cd"));
}

TEST_CASE("a cluster keeps its first document, through a chain of near duplicates", "[trainer]") {
  // chain[s] changes 3 more words of chain[s - 1]: neighbours are at J = 0.90, the ends of
  // the chain at J = 0.60, below the threshold; union-find still puts the whole chain in
  // one cluster. Listed out of order, every link maps to the first one listed (index 1).
  WordSource src(5);
  std::vector<std::string> words;
  for (int i = 0; i < 300; ++i) words.push_back(src.fresh());
  std::vector<std::string> chain = {join(words)};
  for (int step = 1; step <= 5; ++step) {
    for (int k = 3 * (step - 1); k < 3 * step; ++k) words[static_cast<std::size_t>(10 + 19 * k)] = src.fresh();
    chain.push_back(join(words));
  }
  const MinHasher hasher(NearDedupConfig{}.minhash_options());
  REQUIRE(exact_jaccard(hasher, chain[0], chain[1]) == Approx(281.0 / 311));
  REQUIRE(exact_jaccard(hasher, chain[0], chain[5]) == Approx(221.0 / 371));
  const auto [unrelated, unused] = pair_with_changes(src, 300, 1);
  const std::vector<std::string_view> docs = {unrelated, chain[3], chain[0], chain[5], chain[1], chain[4], chain[2]};
  const DedupResult r = deduplicate(docs, NearDedupConfig{});
  CHECK(r.kept_as == std::vector<std::size_t>{0, 1, 1, 1, 1, 1, 1});
  CHECK(r.near_duplicates == 5);
  CHECK(r.verified_pairs >= 5);
  CHECK(r.candidate_pairs >= r.verified_pairs);
}

TEST_CASE("minhash signatures are deterministic for a seed and differ across seeds", "[trainer]") {
  MinHashOptions one;
  one.seed = 42;
  MinHashOptions other = one;
  other.seed = 43;
  const std::string text = "the quick brown fox jumps over the lazy dog and runs far away";
  CHECK(MinHasher(one).signature(text) == MinHasher(one).signature(text));
  CHECK(MinHasher(one).signature(text) != MinHasher(other).signature(text));
  CHECK(MinHasher(one).signature(text).size() == 120);
  WordSource src(9);
  std::vector<std::string> texts;
  for (int i = 0; i < 30; ++i) {
    const auto [a, b] = pair_with_changes(src, 80, 1 + i % 20);
    texts.push_back(a);
    texts.push_back(b);
  }
  const std::vector<std::string_view> docs(texts.begin(), texts.end());
  CHECK(deduplicate(docs, NearDedupConfig{}).kept_as == deduplicate(docs, NearDedupConfig{}).kept_as);
}

TEST_CASE("character shingles find near-duplicate Chinese text", "[trainer]") {
  NearDedupConfig config;
  config.shingle = ShingleKind::kCharacters;
  config.shingle_size = 5;
  const std::string a =
      "在 Debian 这种规模的项目中，很难避免遇到与你意见不和，或者难以合作的人。我们应当保持礼貌，尊重他人的时间和劳动，"
      "并且耐心地解释自己的想法。遇到分歧时，先弄清楚对方的理由，再讨论可行的办法。";
  std::string b = a;
  b.replace(b.find("耐心地"), std::string("耐").size(), "细");  // one character: 5 of ~95 shingles
  const std::vector<std::string_view> docs = {
      a, b, "完全不同的一段文字，讲的是天气和季节的变化，春天温暖，夏天炎热，秋天凉爽。"};
  const DedupResult r = deduplicate(docs, config);
  CHECK(r.kept_as == std::vector<std::size_t>{0, 0, 2});
}

TEST_CASE("near dedup config reads from JSON and names bad keys", "[trainer]") {
  const auto c = NearDedupConfig::from_json(
      nlohmann::json::parse(
          R"({"shingle": "characters", "shingle_size": 7, "bands": 10, "rows": 5, "threshold": 0.7, "seed": 3})"),
      "dedup.json");
  CHECK(c.shingle == ShingleKind::kCharacters);
  CHECK(c.minhash_options().num_hashes == 50);
  CHECK(c.threshold == 0.7);
  CHECK(c.seed == 3);
  CHECK_THROWS_WITH(NearDedupConfig::from_json(nlohmann::json::parse(R"({"band": 3})"), "dedup.json"),
                    Catch::Contains("dedup.json: band") && Catch::Contains("unknown key"));
  CHECK_THROWS_WITH(NearDedupConfig::from_json(nlohmann::json::parse(R"({"shingle": "lines"})"), "dedup.json"),
                    Catch::Contains("dedup.json: shingle"));
  CHECK_THROWS_WITH(NearDedupConfig::from_json(nlohmann::json::parse(R"({"threshold": 1.5})"), "dedup.json"),
                    Catch::Contains("dedup.json: threshold"));
  CHECK_THROWS_AS(MinHasher(MinHashOptions{ShingleKind::kWords, 0, 10, 1}), sextant::Error);
}
