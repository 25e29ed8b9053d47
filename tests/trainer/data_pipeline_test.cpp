// The data pipeline on constructed corpora: each stage's counts, shards read back, stats.json, output folders, config
// errors.
#include "trainer/data/data_pipeline.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "runtime/tokenizer/tokenizer.hpp"
#include "tests/test_files.hpp"
#include "tests/trainer/prose_documents.hpp"
#include "trainer/data/language_identifier.hpp"
#include "trainer/data/token_shard.hpp"

using namespace sextant::trainer;
using sextant::testing::prose;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) { return sextant::testing::fresh_temp_dir("data_pipeline_" + name); }


const std::string kDocA =
    "The village stood at the edge of a wide valley, where the river turned towards the sea. Every morning the "
    "farmers walked down to their fields, and the children followed them as far as the old stone bridge. In the "
    "evening the families gathered in the square to talk about the weather, the harvest and the news that "
    "travellers brought from the cities in the north. Nobody there could remember a year without a festival.";
const std::string kDocB =
    "Scientists have studied the behaviour of migrating birds for more than a century, yet many questions remain "
    "open. Some species travel thousands of kilometres without stopping, guided by the position of the sun, the "
    "stars and perhaps the magnetic field of the earth itself. Young birds often make their first journey alone, "
    "which suggests that much of this knowledge is inherited rather than learned from their parents. Recent "
    "studies with small tracking devices have shown routes that nobody had expected before.";
// kDocB with its last word changed: a near duplicate (word 5-gram Jaccard about 0.97).
const std::string kDocD = kDocB.substr(0, kDocB.size() - std::string("before.").size()) + "earlier.";
const std::string kDocGerman =
    "Das Dorf lag am Rand eines weiten Tales, wo der Fluss sich zum Meer wandte. Jeden Morgen gingen die Bauern "
    "hinunter zu ihren Feldern, und die Kinder folgten ihnen bis zur alten steinernen Brücke. Am Abend "
    "versammelten sich die Familien auf dem Platz, um über das Wetter, die Ernte und die Neuigkeiten zu sprechen, "
    "die Reisende aus den Städten im Norden mitbrachten. Niemand konnte sich an ein Jahr ohne Fest erinnern.";
std::string junk_document() {
  std::string s;
  for (int i = 0; i < 8; ++i) s += "Cheap watches are available today, so order yours online from the shop.\n";
  return s;
}
const std::string kCode1 = "def add(a, b):\n    return a + b\n";
const std::string kCode2 = "def scale(values, k):\n    return [v * k for v in values]\n";

const char* kEnglishSentences[] = {"The weather is nice today and we are going to the park.",
                                   "She said that she would come back with the books.",
                                   "They have been working on this project for three years.",
                                   "What do you think about the new house on the corner?",
                                   "It was the best of times, it was the worst of times.",
                                   "He walked through the forest until the night was falling.",
                                   "The children are playing in the garden with their friends.",
                                   "We should leave early if we want to catch the train.",
                                   "Our teacher explained the lesson again because nobody understood it.",
                                   "There is a small shop at the end of the road."};
const char* kGermanSentences[] = {"Das Wetter ist heute schön und wir gehen in den Park.",
                                  "Sie sagte, dass sie morgen mit den Büchern zurückkommt.",
                                  "Sie arbeiten seit drei Jahren an diesem Projekt.",
                                  "Was hältst du von dem neuen Haus an der Ecke?",
                                  "Es war die beste und die schlechteste aller Zeiten.",
                                  "Er ging durch den Wald, bis die Nacht hereinbrach.",
                                  "Die Kinder spielen mit ihren Freunden im Garten.",
                                  "Wir sollten früh losfahren, wenn wir den Zug erreichen wollen.",
                                  "Unser Lehrer erklärte die Stunde noch einmal, weil niemand sie verstand.",
                                  "Am Ende der Straße gibt es einen kleinen Laden."};

// The constructed corpus: en.txt holds two documents, an exact and a near duplicate, a German
// document and a junk one; two code files; labelled sentences for the language identifier;
// golden prose for the quality classifier.
fs::path write_corpus(const fs::path& dir) {
  const fs::path corpus = dir / "corpus";
  sextant::testing::write_file(corpus / "en.txt",
        kDocA + "\n\n" + kDocB + "\n\n" + kDocA + "\n\n" + kDocD + "\n\n" + kDocGerman + "\n\n" + junk_document());
  sextant::testing::write_file(corpus / "code" / "add.py", kCode1);
  sextant::testing::write_file(corpus / "code" / "scale.py", kCode2);
  std::string en, de;
  for (const char* s : kEnglishSentences) en += std::string(s) + "\n";
  for (const char* s : kGermanSentences) de += std::string(s) + "\n";
  sextant::testing::write_file(corpus / "labelled" / "en.txt", en);
  sextant::testing::write_file(corpus / "labelled" / "de.txt", de);
  sextant::testing::write_file(corpus / "golden.txt",
        "The history of the town begins with a small settlement beside the river, where traders stopped on their "
        "way to the coast.\n\nIn the following centuries the town grew into a market for the whole region, and its "
        "bridge became famous.\n\nThe museum near the cathedral keeps letters, maps and paintings from that "
        "period.\n\nToday the old town is a quiet place, visited in summer by people who walk along the river.\n");
  return corpus;
}

fs::path write_config(const fs::path& dir, const std::string& body) {
  const fs::path path = dir / "data.json";
  sextant::testing::write_file(path, body);
  return path;
}

const std::string kConfig = R"({
  "name": "constructed",
  "sources": {
    "en": {"files": ["en.txt"], "format": "paragraphs"},
    "code": {"files": ["code/*.py"], "format": "file", "language": "code", "quality_rules": false,
             "quality_classifier": false}
  },
  "language": {
    "labelled_sources": {"en": {"files": ["labelled/en.txt"], "format": "lines"},
                         "de": {"files": ["labelled/de.txt"], "format": "lines"}},
    "allowed": ["en"], "min_confidence": 0.5, "bucket_bits": 14
  },
  "quality_classifier": {"golden": {"prose": {"files": ["golden.txt"]}}, "top_fraction": 1.0, "bucket_bits": 12},
  "dedup": {"exact": true, "near": {"threshold": 0.8}},
  "tokenizer": {"vocab_size": 512}
})";

const StageStats& stage(const PipelineStats& stats, const std::string& name) {
  for (const StageStats& s : stats.stages)
    if (s.name == name) return s;
  FAIL("no stage " << name);
  return stats.stages.front();
}

std::int64_t token_count(const sextant::runtime::Tokenizer& t, const std::string& text) {
  return static_cast<std::int64_t>(t.encode(text, false, false).size());
}

}  // namespace

TEST_CASE("the data pipeline drops the constructed foreign, junk and duplicate documents and shards the rest",
          "[trainer][pipeline]") {
  const fs::path dir = fresh_dir("stages");
  const fs::path corpus = write_corpus(dir);
  const DataPipelineConfig config = read_data_pipeline_config(write_config(dir, kConfig).string());
  const fs::path out = dir / "out";
  const PipelineStats stats = run_data_pipeline(config, {corpus.string(), out.string(), false, true});

  REQUIRE(stats.stages.size() == 5);
  const StageStats& language = stage(stats, "language");
  CHECK(language.total.in.documents == 8);
  CHECK(language.total.out.documents == 7);
  CHECK(language.removed_by == std::map<std::string, std::int64_t>{{"not_allowed", 1}});
  CHECK(language.by_language.at("en").in.documents == 5);
  CHECK(language.by_language.at("de").in.documents == 1);
  CHECK(language.by_language.at("de").out.documents == 0);
  CHECK(language.by_language.at("code").out.documents == 2);
  CHECK(language.by_source.at("en").in.documents == 6);
  CHECK(language.by_source.at("en").out.documents == 5);

  const StageStats& rules = stage(stats, "quality_rules");
  CHECK(rules.total.in.documents == 7);
  CHECK(rules.total.out.documents == 6);
  CHECK(rules.removed_by == std::map<std::string, std::int64_t>{{"max_duplicate_line_fraction", 1}});

  const StageStats& classifier = stage(stats, "quality_classifier");
  CHECK(classifier.enabled);
  CHECK(classifier.total.in.documents == 6);
  CHECK(classifier.total.out.documents == 6);                   // top_fraction 1 keeps every one
  CHECK(stats.quality_classifier.at("scored_documents") == 4);  // the code is not scored

  const StageStats& exact = stage(stats, "exact_dedup");
  CHECK(exact.total.in.documents == 6);
  CHECK(exact.total.out.documents == 5);
  CHECK(exact.removed_by == std::map<std::string, std::int64_t>{{"exact_duplicate", 1}});
  const StageStats& near = stage(stats, "near_dedup");
  CHECK(near.total.in.documents == 5);
  CHECK(near.total.out.documents == 4);
  CHECK(near.removed_by == std::map<std::string, std::int64_t>{{"near_duplicate", 1}});
  CHECK(near.by_source.at("en").out.documents == 2);
  CHECK(near.by_source.at("code").out.documents == 2);

  // Tokens: every document counted by the run's tokenizer, in and out of each stage.
  const auto tokenizer = sextant::runtime::Tokenizer::from_tokenizer_json((out / "tokenizer.json").string());
  const std::int64_t a = token_count(tokenizer, kDocA), b = token_count(tokenizer, kDocB);
  const std::int64_t c1 = token_count(tokenizer, kCode1.substr(0, kCode1.size() - 1));  // trimmed
  const std::int64_t c2 = token_count(tokenizer, kCode2.substr(0, kCode2.size() - 1));
  std::int64_t all = a + b + a + token_count(tokenizer, kDocD) + token_count(tokenizer, kDocGerman) +
                     token_count(tokenizer, junk_document().substr(0, junk_document().size() - 1)) + c1 + c2;
  CHECK(language.total.in.tokens == all);
  CHECK(near.total.out.tokens == a + b + c1 + c2);
  CHECK(exact.total.in.tokens - exact.total.out.tokens == a);
  for (std::size_t i = 1; i < stats.stages.size(); ++i)
    CHECK(stats.stages[i].total.in.tokens == stats.stages[i - 1].total.out.tokens);

  // Shards hold the kept documents' tokens, each document ended by <|endoftext|>.
  const auto eod = tokenizer.find("<|endoftext|>");
  REQUIRE(eod == 0);
  std::vector<sextant::runtime::TokenId> expected = tokenizer.encode(kDocA, false, false);
  expected.push_back(eod);
  for (auto id : tokenizer.encode(kDocB, false, false)) expected.push_back(id);
  expected.push_back(eod);
  const TokenShard en((out / "shards" / "en.bin").string());
  CHECK(en.tokens() == expected);
  CHECK(en.vocab_size() == tokenizer.vocab_size());
  CHECK(TokenShard((out / "shards" / "code.bin").string()).size() == static_cast<std::size_t>(c1 + c2 + 2));
  CHECK(stats.sources.at("en").tokens == a + b + 2);
  CHECK(stats.sources.at("en").documents == 2);

  // stats.json says the same; the language identifier trained here is kept.
  const nlohmann::json j = nlohmann::json::parse(sextant::testing::read_all((out / "stats.json").string()));
  CHECK(j["config"] == config.path);
  REQUIRE(j["stages"].size() == 5);
  CHECK(j["stages"][0]["stage"] == "language");
  CHECK(j["stages"][0]["in"]["documents"] == 8);
  CHECK(j["stages"][0]["in"]["tokens"] == all);
  CHECK(j["stages"][1]["removed_by"]["max_duplicate_line_fraction"] == 1);
  CHECK(j["stages"][4]["stage"] == "near_dedup");
  CHECK(j["stages"][4]["out"]["documents"] == 4);
  CHECK(j["stages"][4]["by_source"]["en"]["out"]["tokens"] == a + b);
  CHECK(j["by_language"]["de"]["in"]["documents"] == 1);
  CHECK(j["by_language"]["de"]["out"]["documents"] == 0);
  CHECK(j["by_source"]["en"]["in"]["documents"] == 6);
  CHECK(j["by_source"]["en"]["out"]["documents"] == 2);
  CHECK(j["sources"]["en"]["shards"][0]["path"] == "shards/en.bin");
  CHECK(j["sources"]["en"]["tokens"] == a + b + 2);
  CHECK(j["tokenizer"]["vocab_size"] == tokenizer.vocab_size());
  CHECK(j["language_model"]["trained_on"]["de"] == 10);
  CHECK(LanguageIdentifier::load((out / "langid.bin").string()).classify(kDocGerman).language == "de");
  const std::string table = stats.table();
  CHECK_THAT(table, Catch::Contains("near_dedup") && Catch::Contains("max_duplicate_line_fraction"));
  fs::remove_all(dir);
}

TEST_CASE("the data pipeline cuts shards at max_tokens without losing or reordering a token", "[trainer][pipeline]") {
  const fs::path dir = fresh_dir("shards");
  const fs::path corpus = write_corpus(dir);
  DataPipelineConfig config = read_data_pipeline_config(write_config(dir, kConfig).string());
  run_data_pipeline(config, {corpus.string(), (dir / "whole").string(), false, true});
  config.max_shard_tokens = 17;
  const PipelineStats stats = run_data_pipeline(config, {corpus.string(), (dir / "cut").string(), false, true});
  const auto whole = TokenShard((dir / "whole" / "shards" / "en.bin").string()).tokens();
  std::vector<sextant::runtime::TokenId> joined;
  const auto& shards = stats.sources.at("en").shards;
  REQUIRE(shards.size() == (whole.size() + 16) / 17);
  for (std::size_t i = 0; i < shards.size(); ++i) {
    CHECK(shards[i].path == fmt::format("shards/en-{:05d}.bin", i));
    const auto part = TokenShard((dir / "cut" / shards[i].path).string()).tokens();
    CHECK(part.size() == (i + 1 < shards.size() ? 17u : whole.size() - 17 * i));
    joined.insert(joined.end(), part.begin(), part.end());
  }
  CHECK(joined == whole);
  fs::remove_all(dir);
}

namespace {


std::vector<std::string> spam(int count, int offset) {
  const char* words[] = {"BUY",   "cheap",  "deals",    "click",   "here",   "free",  "shipping",
                         "best",  "price",  "discount", "sale",    "now",    "order", "online",
                         "bonus", "casino", "win",      "jackpot", "coupon", "offer"};
  std::vector<std::string> out;
  for (int i = offset; i < offset + count; ++i) {
    std::string doc;
    for (int w = 0; w < 40; ++w) doc += std::string(words[(i * 13 + w * 7) % 20]) + " ";
    out.push_back(doc);
  }
  return out;
}

std::string paragraphs(const std::vector<std::string>& docs) {
  std::string s;
  for (const auto& d : docs) s += d + "\n\n";
  return s;
}

}  // namespace

TEST_CASE("the quality classifier stage keeps documents like the golden text, by threshold or top fraction",
          "[trainer][pipeline]") {
  const fs::path dir = fresh_dir("classifier");
  const fs::path corpus = dir / "corpus";
  sextant::testing::write_file(corpus / "golden.txt", paragraphs(prose(30, 0)));
  sextant::testing::write_file(corpus / "prose.txt", paragraphs(prose(10, 100)));
  sextant::testing::write_file(corpus / "spam.txt", paragraphs(spam(10, 0)));
  const std::string body = R"({
    "name": "classifier",
    "sources": {"prose": {"files": ["prose.txt"], "language": "en"}, "spam": {"files": ["spam.txt"], "language": "en"}},
    "quality_rules": false,
    "quality_classifier": {"golden": {"g": {"files": ["golden.txt"]}}, "threshold": 0.5, "bucket_bits": 14},
    "dedup": {"exact": false, "near": false},
    "tokenizer": {"vocab_size": 512}
  })";
  DataPipelineConfig config = read_data_pipeline_config(write_config(dir, body).string());
  for (const bool by_threshold : {true, false}) {
    if (!by_threshold) config.quality_classifier.threshold.reset(), config.quality_classifier.top_fraction = 0.5;
    const fs::path out = dir / (by_threshold ? "threshold" : "top");
    const PipelineStats stats = run_data_pipeline(config, {corpus.string(), out.string(), false, true});
    const StageStats& s = stage(stats, "quality_classifier");
    INFO((by_threshold ? "threshold" : "top fraction"));
    CHECK(s.total.in.documents == 20);
    CHECK(s.by_source.at("prose").out.documents == 10);
    CHECK(s.by_source.at("spam").out.documents == 0);
    CHECK(s.removed_by.at(by_threshold ? "below_threshold" : "below_top_fraction") == 10);
    // Half the pool is prose like the golden text, so the golden-versus-pool AUC is about
    // (1 + 0.5) / 2: spam always ranks below, prose at random.
    CHECK(stats.quality_classifier.at("held_out_auc").get<double>() > 0.7);
    CHECK(stats.quality_classifier.at("held_out_golden_accuracy").get<double>() >= 0.9);
    CHECK(!stage(stats, "exact_dedup").enabled);
    CHECK(stage(stats, "exact_dedup").total.out.documents == 10);
    CHECK(!fs::exists(out / "langid.bin"));  // every source has its language: nothing to identify
  }
  fs::remove_all(dir);
}

TEST_CASE("the data pipeline writes its output folder whole or not at all", "[trainer][pipeline]") {
  const fs::path dir = fresh_dir("atomic");
  const fs::path corpus = write_corpus(dir);
  DataPipelineConfig config = read_data_pipeline_config(write_config(dir, kConfig).string());
  const fs::path out = dir / "out";

  // A failure late in the run (the tokenizer file is missing) leaves neither the folder nor its partial build.
  config.tokenizer.path = (dir / "missing-tokenizer.json").string();
  CHECK_THROWS_WITH(run_data_pipeline(config, {corpus.string(), out.string(), false, true}),
                    Catch::Contains("missing-tokenizer.json") && Catch::Contains("tokenizer"));
  CHECK(!fs::exists(out));
  for (const auto& e : fs::directory_iterator(dir))
    CHECK(e.path().filename().string().find("partial") == std::string::npos);

  // A folder with something in it is not replaced without overwrite, and is with it.
  config.tokenizer.path.clear();
  sextant::testing::write_file(out / "old.txt", "from before");
  CHECK_THROWS_WITH(run_data_pipeline(config, {corpus.string(), out.string(), false, true}),
                    Catch::Contains(out.string()) && Catch::Contains("not empty"));
  CHECK(fs::exists(out / "old.txt"));
  run_data_pipeline(config, {corpus.string(), out.string(), true, true});
  CHECK(!fs::exists(out / "old.txt"));
  CHECK(fs::exists(out / "stats.json"));
  CHECK(fs::exists(out / "shards" / "en.bin"));
  fs::remove_all(dir);
}

TEST_CASE("data config errors name the file and the field", "[trainer][pipeline][config]") {
  const fs::path dir = fresh_dir("config");
  auto error_of = [&](const std::string& body) -> std::string {
    const fs::path path = write_config(dir, body);
    try {
      read_data_pipeline_config(path.string());
    } catch (const sextant::Error& e) {
      return e.what();
    }
    return "(no error)";
  };
  const std::string path = (dir / "data.json").string();
  const std::string sources = R"("sources": {"web": {"files": ["web.jsonl"], "format": "jsonl"}})";
  const std::string language = R"("language": {"labelled": ["langid.jsonl"]})";
  auto config = [&](const std::string& rest) { return "{\"name\": \"x\", " + sources + ", " + language + rest + "}"; };

  CHECK(error_of(config("")) == "(no error)");
  CHECK_THAT(error_of(config(R"(, "quality_classifier": {"golden": {"g": {"files": ["g.txt"]}}, "threshold": 1.5})")),
             Catch::Contains(path + ": quality_classifier.threshold: must be in [0, 1]"));
  CHECK_THAT(error_of(config(R"(, "quality_classifier": {"golden": {"g": {"files": ["g.txt"]}}, "threshold": 0.5,
                                "top_fraction": 0.5})")),
             Catch::Contains(path + ": quality_classifier: give one of"));
  CHECK_THAT(error_of(config(R"(, "quality_classifier": {"golden": {"g": {"files": ["g.txt"], "fromat": "lines"}},
                                "threshold": 0.5})")),
             Catch::Contains(path + ": quality_classifier.golden.g.fromat: unknown key"));
  CHECK_THAT(error_of(config(R"(, "dedup": {"near": {"threshold": 0}})")),
             Catch::Contains(path + ": dedup.near.threshold"));
  CHECK_THAT(error_of(config(R"(, "tokenizer": {"vocab_size": 100})")),
             Catch::Contains(path + ": tokenizer.vocab_size"));
  CHECK_THAT(error_of(config(R"(, "quality_rules": {"min_wordz": 3})")),
             Catch::Contains(path + ": quality_rules.min_wordz"));
  CHECK_THAT(error_of(config(R"(, "colour": "blue")")), Catch::Contains(path + ": colour: unknown key"));
  CHECK_THAT(error_of(R"({"name": "x", "sources": {"web": {"files": ["w"], "format": "xml"}}, )" + language + "}"),
             Catch::Contains(path + ": sources.web.format: \"xml\" is not a format"));
  CHECK_THAT(
      error_of(R"({"name": "x", "sources": {"web": {"files": ["w"], "quality_rules": {"max_words": "many"}}}, )" +
               language + "}"),
      Catch::Contains(path + ": sources.web.quality_rules.max_words"));
  CHECK_THAT(error_of("{\"name\": \"x\", " + sources + R"(, "language": {"allowed": ["en"]}})"),
             Catch::Contains(path + ": language: needs a \"model\" file"));
  CHECK_THAT(
      error_of("{\"name\": \"x\", " + sources + R"(, "language": {"labelled": ["l.jsonl"], "min_confidence": 2}})"),
      Catch::Contains(path + ": language.min_confidence"));

  // Files that match nothing are found when the run reads them, named with the config and the field.
  const DataPipelineConfig c = read_data_pipeline_config(write_config(dir, config("")).string());
  CHECK_THROWS_WITH(run_data_pipeline(c, {dir.string(), (dir / "out").string(), false, true}),
                    Catch::Contains(path + ": sources.web.files: \"web.jsonl\" matches no file"));
  CHECK(!fs::exists(dir / "out"));
  fs::remove_all(dir);
}
