// The quality classifier: constructed golden and junk text, save and load, bad input, and real reference text against
// web text.
#include "trainer/data/quality_classifier.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "tests/test_files.hpp"
#include "tests/trainer/prose_documents.hpp"
#include "tests/test_paths.hpp"
#include "trainer/data/source_documents.hpp"

using namespace sextant::trainer;
using sextant::testing::prose;

namespace {


// Keyword-stuffed shop pages.
std::vector<std::string> junk(int count, int offset) {
  const char* words[] = {"BUY",    "cheap",  "deals",    "click", "here", "free",  "shipping",
                         "best",   "price",  "discount", "sale",  "now",  "order", "online",
                         "viagra", "casino", "win",      "$$$",   "100%", "offer"};
  std::vector<std::string> out;
  for (int i = offset; i < offset + count; ++i) {
    std::string doc;
    for (int w = 0; w < 40; ++w) doc += std::string(words[(i * 13 + w * 7) % 20]) + (w % 6 == 5 ? " | " : " ");
    out.push_back(doc);
  }
  return out;
}

std::vector<std::string_view> views(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST_CASE("a quality classifier scores unseen prose above unseen keyword spam", "[trainer]") {
  const auto golden = prose(40, 0), pool = junk(40, 0);
  QualityClassifierOptions options;
  options.bucket_bits = 16;
  const QualityClassifier model = QualityClassifier::train(views(golden), views(pool), options);
  for (const std::string& d : prose(10, 100)) {
    INFO(d);
    CHECK(model.score(d) > 0.8);
  }
  for (const std::string& d : junk(10, 100)) {
    INFO(d);
    CHECK(model.score(d) < 0.2);
  }
  const double s = model.score("The old farmer remembered the river.");
  CHECK(s > 0.0);
  CHECK(s < 1.0);
  // Case does not matter: the words are lowercased.
  CHECK(model.score("THE OLD FARMER REMEMBERED THE RIVER.") == s);
}

TEST_CASE("a quality classifier weighs the classes equally however many pool documents there are", "[trainer]") {
  // Ten times more pool than golden: without class weights the prior would pull every score down.
  const auto golden = prose(10, 0), pool = junk(100, 0);
  QualityClassifierOptions options;
  options.bucket_bits = 16;
  const QualityClassifier model = QualityClassifier::train(views(golden), views(pool), options);
  // Text of neither class (no shared words) sits near the middle.
  const double neutral = model.score("zyx qwv");
  CHECK(neutral > 0.25);
  CHECK(neutral < 0.75);
  for (const std::string& d : prose(5, 50)) CHECK(model.score(d) > 0.5);
}

TEST_CASE("a saved quality classifier loads back with identical scores, and training is deterministic", "[trainer]") {
  const auto golden = prose(20, 0), pool = junk(20, 0);
  QualityClassifierOptions options;
  options.bucket_bits = 12;
  const QualityClassifier model = QualityClassifier::train(views(golden), views(pool), options);
  const QualityClassifier again = QualityClassifier::train(views(golden), views(pool), options);
  options.seed = 2;
  const QualityClassifier other_seed = QualityClassifier::train(views(golden), views(pool), options);
  const auto path = (std::filesystem::temp_directory_path() / "sextant_quality_roundtrip.bin").string();
  model.save(path);
  const QualityClassifier loaded = QualityClassifier::load(path);
  CHECK(loaded.bucket_bits() == 12);
  CHECK(loaded.max_order() == model.max_order());
  bool seed_matters = false;
  for (const std::string& d : prose(5, 70)) {
    CHECK(loaded.score(d) == model.score(d));
    CHECK(again.score(d) == model.score(d));
    seed_matters = seed_matters || other_seed.score(d) != model.score(d);
  }
  CHECK(seed_matters);

  const std::string bytes = sextant::testing::read_all(path);
  const std::string truncated = sextant::testing::write_temp("sextant_quality_truncated.bin", bytes.substr(0, 1000));
  CHECK_THROWS_WITH(QualityClassifier::load(truncated),
                    Catch::Contains(truncated) && Catch::Contains("the weights take 16384 bytes"));
  const std::string bad_magic =
      sextant::testing::write_temp("sextant_quality_magic.bin", "NOTAMODEL" + bytes.substr(9));
  CHECK_THROWS_WITH(QualityClassifier::load(bad_magic), Catch::Contains(bad_magic) && Catch::Contains("bad magic"));
  CHECK_THROWS_WITH(QualityClassifier::load("/nonexistent/q.bin"), Catch::Contains("/nonexistent/q.bin"));
  for (const auto& p : {path, truncated, bad_magic}) std::filesystem::remove(p);
}

TEST_CASE("training a quality classifier refuses an empty class and bad options", "[trainer]") {
  const auto golden = prose(3, 0);
  CHECK_THROWS_WITH(QualityClassifier::train(views(golden), {}), Catch::Contains("0 pool"));
  QualityClassifierOptions options;
  options.bucket_bits = 40;
  const auto pool = junk(3, 0);
  CHECK_THROWS_WITH(QualityClassifier::train(views(golden), views(pool), options), Catch::Contains("bucket_bits 40"));
}

TEST_CASE("a quality classifier tells held-out books and Wikipedia from web text", "[trainer][data]") {
  SEXTANT_REQUIRE_CORPORA(corpora);
  auto source = [](const char* files, const char* format) {
    SourceConfig s;
    s.name = files;
    s.files = {files};
    s.format = format;
    return s;
  };
  SourceConfig books = source("pretrain_en/gutenberg/*.txt", "paragraphs");
  books.min_chars = 400;
  const SourceConfig wiki = source("pretrain_en/llamafactory_wiki_demo.txt", "lines");
  const SourceConfig web = source("pretrain_en/llamafactory_c4_demo.jsonl", "jsonl");
  std::vector<std::string> golden = read_source_documents(books, corpora);
  for (auto& d : read_source_documents(wiki, corpora)) golden.push_back(std::move(d));
  const std::vector<std::string> pool = read_source_documents(web, corpora);
  REQUIRE(pool.size() == 300);
  // Every other document trains; the rest are scored.
  std::vector<std::string_view> golden_train, golden_test, pool_train, pool_test;
  for (std::size_t i = 0; i < golden.size(); ++i) (i % 2 ? golden_test : golden_train).push_back(golden[i]);
  for (std::size_t i = 0; i < pool.size(); ++i) (i % 2 ? pool_test : pool_train).push_back(pool[i]);
  const QualityClassifier model = QualityClassifier::train(golden_train, pool_train);
  std::vector<double> g, p;
  for (auto d : golden_test) g.push_back(model.score(d));
  for (auto d : pool_test) p.push_back(model.score(d));
  double wins = 0;
  for (double a : g)
    for (double b : p) wins += a > b ? 1.0 : a == b ? 0.5 : 0.0;
  const double auc = wins / static_cast<double>(g.size() * p.size());
  const auto golden_right = std::count_if(g.begin(), g.end(), [](double s) { return s >= 0.5; });
  const auto pool_right = std::count_if(p.begin(), p.end(), [](double s) { return s < 0.5; });
  INFO("AUC " << auc << ", golden " << golden_right << "/" << g.size() << ", web " << pool_right << "/" << p.size());
  CHECK(auc > 0.95);
  CHECK(golden_right >= 0.9 * static_cast<double>(g.size()));
  CHECK(pool_right >= 0.8 * static_cast<double>(p.size()));
}
