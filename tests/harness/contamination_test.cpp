// Contamination end to end on a made-up dataset and corpus: items, overlaps, store rows, clean / contaminated splits.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/sqlite_database.hpp"
#include "harness/config/config_catalog.hpp"
#include "harness/config/dataset_config.hpp"
#include "harness/eval/contamination_scan.hpp"
#include "harness/eval/item_texts.hpp"
#include "harness/store/result_store.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/json_schema_check.hpp"
#include "reports/leaderboard.hpp"
#include "reports/markdown_report.hpp"
#include "reports/store_reader.hpp"
#include "tests/test_paths.hpp"
#include "tests/test_files.hpp"
#include "trainer/data/token_shard.hpp"
#include "trainer/tokenizer/bpe_trainer.hpp"

using namespace sextant;
using namespace sextant::harness;
using Catch::Matchers::Contains;
using runtime::TokenId;

namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) { return sextant::testing::fresh_temp_dir("contamination_" + name); }

const char* kQuestions[] = {
    "What is the colour of the sky on a clear summer afternoon in Lisbon?",
    "How many legs does a spider have, counting every one of them carefully?",
    "Name the largest planet in the solar system we live in today.",
};
const char* kAnswers[] = {"blue, a deep and cloudless blue", "eight legs in total", "Jupiter, the gas giant"};

// The text item i renders to: the gen mode's prompt, then its answer template.
std::string item_text(int i) { return std::string("Question: ") + kQuestions[i] + "\nAnswer: " + kAnswers[i]; }

// A test dataset of the three items, in a gen mode, under dir/data.
DatasetConfig write_dataset(const fs::path& dir) {
  fs::create_directories(dir / "data");
  std::ofstream rows(dir / "data" / "tiny.jsonl");
  for (int i = 0; i < 3; ++i) rows << nlohmann::json({{"q", kQuestions[i]}, {"a", kAnswers[i]}}).dump() << "\n";
  rows.close();
  std::ofstream(dir / "tiny.json") << R"({
    "name": "tiny", "dimension": "Knowledge",
    "test": {"format": "jsonl", "path": "tiny.jsonl"},
    "modes": {"gen": {"inferencer": "gen", "prompt": "Question: {q}\nAnswer:", "answer": " {a}",
                      "reference": "{a}", "max_tokens": 8, "metric": "exact_match"}},
    "default_modes": ["gen"]})";
  return load_dataset_config((dir / "tiny.json").string());
}

// Corpus documents: unrelated text, item 0 word for word, and item 1's question inside other text.
std::vector<std::string> corpus_documents() {
  return {"Some unrelated web text about cooking pasta with garlic, butter and good olive oil.", item_text(0),
          std::string("Did you know? ") + kQuestions[1] + " Nobody ever asked us that before."};
}

// The windows of n tokens of a text that occur in some document: counted without hashing.
std::pair<std::int64_t, std::int64_t> brute_force_overlap(const std::vector<TokenId>& text,
                                                          const std::vector<std::vector<TokenId>>& docs,
                                                          std::size_t n) {
  std::set<std::vector<TokenId>> windows;
  for (const auto& d : docs)
    for (std::size_t i = 0; i + n <= d.size(); ++i) windows.emplace(d.begin() + i, d.begin() + i + n);
  std::int64_t total = 0, found = 0;
  for (std::size_t i = 0; i + n <= text.size(); ++i) {
    ++total;
    found += windows.count(std::vector<TokenId>(text.begin() + i, text.begin() + i + n));
  }
  return {total, found};
}

// The corpus as one shard (documents ended by <|endoftext|>) under dir/corpus, as `sextant data prepare` writes it.
std::vector<std::vector<TokenId>> write_corpus(const fs::path& dir, const runtime::Tokenizer& tok) {
  fs::create_directories(dir / "corpus" / "shards");
  std::vector<std::vector<TokenId>> docs;
  std::vector<TokenId> all;
  for (const auto& text : corpus_documents()) {
    docs.push_back(tok.encode(text, false, false));
    all.insert(all.end(), docs.back().begin(), docs.back().end());
    all.push_back(tok.find("<|endoftext|>"));
  }
  trainer::write_token_shard((dir / "corpus" / "shards" / "web.bin").string(), all, tok.vocab_size());
  return docs;
}

// The cells of the Markdown table row that starts with dataset | mode, trimmed.
std::vector<std::string> markdown_row(const std::string& md, const std::string& dataset, const std::string& mode) {
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> cells;
    std::istringstream parts(line);
    std::string cell;
    std::getline(parts, cell, '|');  // before the first bar
    while (std::getline(parts, cell, '|')) {
      const auto b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    if (cells.size() > 2 && cells[0] == dataset && cells[1] == mode) return cells;
  }
  return {};
}

SampleOutcome outcome(std::int64_t index, double score) {
  SampleOutcome o;
  o.index = index;
  o.score = score;
  return o;
}

}  // namespace

TEST_CASE("an item written into a training shard is contaminated, with its overlap; the others are not",
          "[harness][contamination]") {
  const fs::path dir = fresh_dir("scan");
  const DatasetConfig dataset = write_dataset(dir);
  const auto tok = runtime::Tokenizer::from_tokenizer_json(testing::fixture("hf/llama_f32_tied/tokenizer.json"));
  const auto docs = write_corpus(dir, tok);

  const DatasetItemTexts texts = item_texts(dataset, (dir / "data").string(), -1, false);
  REQUIRE(texts.skipped.empty());
  CHECK(texts.mode == "gen");
  REQUIRE(texts.items.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(texts.items[static_cast<std::size_t>(i)].row == i);
    CHECK(texts.items[static_cast<std::size_t>(i)].text == item_text(i));
  }

  const trainer::NgramIndex index =
      trainer::NgramIndex::from_shards((dir / "corpus" / "shards").string(), 13, tok.find("<|endoftext|>"));
  const DatasetContamination scan = scan_items("tiny", texts, tok, index, ContaminationRule{});
  REQUIRE(scan.items.size() == 3);
  CHECK(scan.shards == index.fingerprint());
  for (std::size_t i = 0; i < 3; ++i) {
    const auto [ngrams, matched] =
        brute_force_overlap(tok.encode(item_text(static_cast<int>(i)), false, false), docs, 13);
    INFO("item " << i);
    CHECK(scan.items[i].ngrams == ngrams);
    CHECK(scan.items[i].matched == matched);
  }
  CHECK(scan.items[0].overlap == 1.0);
  CHECK(scan.items[0].contaminated);
  // Item 1's question is in the corpus, its "Question:" frame and answer are not.
  CHECK(scan.items[1].overlap > 0.3);
  CHECK(scan.items[1].overlap < 0.9);
  CHECK(scan.items[1].contaminated);
  CHECK(scan.items[2].matched == 0);
  CHECK_FALSE(scan.items[2].contaminated);
  CHECK(scan.contaminated() == 2);

  // A threshold on the fraction: item 1 is then clean.
  const DatasetContamination strict = scan_items("tiny", texts, tok, index, ContaminationRule{13, 0.9});
  CHECK(strict.items[0].contaminated);
  CHECK_FALSE(strict.items[1].contaminated);
  CHECK(strict.contaminated() == 1);

  CHECK_THROWS_WITH(scan_items("tiny", texts, tok, index, ContaminationRule{8, 0.0}), Contains("13-grams"));
  const DatasetItemTexts none = item_texts(dataset, (dir / "nowhere").string(), -1, false);
  CHECK_THAT(none.skipped, Contains("not found"));
  CHECK(item_texts(dataset, (dir / "data").string(), 2, false).items.size() == 2);
}

TEST_CASE("contamination goes to the store, and reports split a task's score into clean and contaminated items",
          "[harness][contamination][reports]") {
  const fs::path dir = fresh_dir("store");
  const DatasetConfig dataset = write_dataset(dir);
  const auto tok = runtime::Tokenizer::from_tokenizer_json(testing::fixture("hf/llama_f32_tied/tokenizer.json"));
  write_corpus(dir, tok);
  const trainer::NgramIndex index =
      trainer::NgramIndex::from_shards((dir / "corpus" / "shards").string(), 13, tok.find("<|endoftext|>"));
  const DatasetItemTexts texts = item_texts(dataset, (dir / "data").string(), -1, false);

  const std::string work = (dir / "work").string();
  {
    ResultStore store(work);
    DatasetContamination scan = scan_items("tiny", texts, tok, index, ContaminationRule{});
    scan.shards_path = "/corpus/shards";
    store.set_contamination(scan);
    // A second scan of the same shards with a threshold replaces the first: item 1 turns clean.
    DatasetContamination strict = scan_items("tiny", texts, tok, index, ContaminationRule{13, 0.9});
    strict.shards_path = "/corpus/shards";
    store.set_contamination(strict);

    const std::int64_t run = store.begin_run({"m", "m.gguf", "id", "test", ""});
    // Scores by item: 1, 1, 0 -> contaminated {0}: 1.0; clean {1, 2}: 0.5.
    const TaskKey plain{"aaaaaaaaaaaaaaaa", "tiny", "gen", "Knowledge", "id", "v1", "exact_match"};
    store.register_task(plain, "{}");
    store.add_outcomes(plain.hash, {outcome(0, 1.0), outcome(1, 1.0), outcome(2, 0.0)});
    store.set_scores(run, plain, {{"exact_match", 2.0 / 3.0, 0.1, 0.9, 3}});
    // Circular: item r * 64 + k is row r. Rows 0 (dirty: 1, 0), 2 (clean: 0, 0) and 5 (not scanned).
    const TaskKey circular{"bbbbbbbbbbbbbbbb", "tiny", "gen+circular", "Knowledge", "id", "v2", "acc_circular"};
    store.register_task(circular, "{}");
    store.add_outcomes(circular.hash,
                       {outcome(0, 1.0), outcome(1, 0.0), outcome(128, 0.0), outcome(129, 0.0), outcome(320, 1.0)});
    store.set_scores(run, circular, {{"acc_circular", 0.0, 0.0, 0.5, 3}});
    store.finish_run(run);
  }

  {
    const SqliteDatabase db((fs::path(work) / "sextant.db").string(), SqliteDatabase::Mode::ReadOnly);
    SqliteStatement rows(db,
                         "SELECT item_index, ngrams, matched, overlap, contaminated, shards FROM contamination "
                         "WHERE dataset = 'tiny' ORDER BY item_index");
    const DatasetContamination expected = scan_items("tiny", texts, tok, index, ContaminationRule{13, 0.9});
    for (std::size_t i = 0; i < 3; ++i) {
      REQUIRE(rows.step());
      CHECK(rows.int_at(0) == static_cast<std::int64_t>(i));
      CHECK(rows.int_at(1) == expected.items[i].ngrams);
      CHECK(rows.int_at(2) == expected.items[i].matched);
      CHECK(rows.double_at(3) == expected.items[i].overlap);
      CHECK(rows.int_at(4) == (i == 0 ? 1 : 0));
      CHECK(rows.text_at(5) == index.fingerprint());
    }
    CHECK_FALSE(rows.step());  // the rescan replaced the rows, it did not add to them
  }

  const reports::StoreContents contents = reports::read_store(work);
  REQUIRE(contents.contamination_scans.size() == 1);
  CHECK(contents.contamination_scans[0].items == 3);
  CHECK(contents.contamination_scans[0].contaminated == 1);
  CHECK(contents.contamination_scans[0].ngram == 13);
  CHECK(contents.contamination_scans[0].min_overlap == 0.9);

  const reports::Leaderboard board =
      reports::build_leaderboard({contents}, {"0.1.0", "abc1234", "2024-06-01T00:00:00Z", {"host", "Test CPU", 2}});
  REQUIRE(board.rows.size() == 2);
  const auto& gen = board.rows[0].mode == "gen" ? board.rows[0] : board.rows[1];
  const auto& circ = board.rows[0].mode == "gen" ? board.rows[1] : board.rows[0];
  REQUIRE(gen.cells[0]->contamination);
  const reports::ContaminationSplit& split = *gen.cells[0]->contamination;
  CHECK(split.contaminated.samples == 1);
  CHECK(split.contaminated.mean == 1.0);
  CHECK(split.clean.samples == 2);
  CHECK(split.clean.mean == 0.5);
  CHECK(split.unscanned == 0);
  CHECK(split.shards == index.fingerprint());
  REQUIRE(circ.cells[0]->contamination);
  CHECK(circ.cells[0]->contamination->contaminated.samples == 2);
  CHECK(circ.cells[0]->contamination->contaminated.mean == 0.5);
  CHECK(circ.cells[0]->contamination->clean.samples == 2);
  CHECK(circ.cells[0]->contamination->clean.mean == 0.0);
  CHECK(circ.cells[0]->contamination->unscanned == 1);

  const nlohmann::json report = nlohmann::json::parse(reports::json_report(board));
  std::ifstream schema_file(std::string(SEXTANT_SOURCE_DIR) + "/reports/report.schema.json");
  CHECK(reports::schema_violations(report, nlohmann::json::parse(schema_file)).empty());
  const nlohmann::json* gen_score = nullptr;
  for (const auto& row : report["datasets"])
    if (row["mode"] == "gen") gen_score = &row["scores"][0];
  REQUIRE(gen_score);
  CHECK((*gen_score)["contamination"]["clean"]["samples"] == 2);
  CHECK((*gen_score)["contamination"]["clean"]["mean_score"] == 0.5);
  CHECK((*gen_score)["contamination"]["contaminated"]["mean_score"] == 1.0);
  CHECK((*gen_score)["contamination"]["ngram"] == 13);

  // The HTML page's data carries the split for its "Clean and contaminated items" section.
  const auto page = reports::html_report_data(board, reports::read_report_samples(board, 0));
  for (const auto& row : page["rows"]) {
    if (row["mode"] != "gen") continue;
    CHECK(row["cells"][0]["contamination"]["clean"]["display"] == "50.00");
    CHECK(row["cells"][0]["contamination"]["contaminated"]["display"] == "100.00");
    CHECK(row["cells"][0]["contamination"]["contaminated"]["samples"] == 1);
  }

  const std::string md = reports::markdown_report(board);
  CHECK_THAT(md, Contains("## Clean and contaminated items"));
  // tiny, gen: clean 2 samples at 50.00, contaminated 1 at 100.00, difference 50.00.
  CHECK(markdown_row(md, "tiny", "gen") == std::vector<std::string>{"tiny", "gen", "m", "exact_match",
                                                                    index.fingerprint() + " (13-grams)", "2", "50.00",
                                                                    "1", "100.00", "50.00"});
}

TEST_CASE("a dataset's latest scan decides its split, whichever corpus it was against",
          "[harness][contamination][reports]") {
  const fs::path dir = fresh_dir("latest");
  const DatasetConfig dataset = write_dataset(dir);
  const auto tok = runtime::Tokenizer::from_tokenizer_json(testing::fixture("hf/llama_f32_tied/tokenizer.json"));
  write_corpus(dir, tok);
  const trainer::NgramIndex corpus =
      trainer::NgramIndex::from_shards((dir / "corpus" / "shards").string(), 13, tok.find("<|endoftext|>"));
  const trainer::NgramIndex other = trainer::NgramIndex::from_tokens({{1, 2, 3}}, 13, tok.find("<|endoftext|>"));
  const DatasetItemTexts texts = item_texts(dataset, (dir / "data").string(), -1, false);
  const DatasetContamination dirty = scan_items("tiny", texts, tok, corpus, ContaminationRule{});
  DatasetContamination clean = scan_items("tiny", texts, tok, other, ContaminationRule{});
  clean.shards = "0123456789abcdef";
  REQUIRE(dirty.contaminated() == 2);
  REQUIRE(clean.contaminated() == 0);

  const std::string work = (dir / "work").string();
  ResultStore store(work);
  const std::int64_t run = store.begin_run({"m", "m.gguf", "id", "test", ""});
  const TaskKey task{"aaaaaaaaaaaaaaaa", "tiny", "gen", "Knowledge", "id", "v1", "exact_match"};
  store.register_task(task, "{}");
  store.add_outcomes(task.hash, {outcome(0, 1.0), outcome(1, 0.0), outcome(2, 0.0)});
  store.set_scores(run, task, {{"exact_match", 1.0 / 3.0, 0.0, 0.9, 3}});
  auto split = [&] {
    const reports::StoreContents contents = reports::read_store(work);
    REQUIRE(contents.contamination_splits.size() == 1);
    return contents.contamination_splits[0];
  };
  store.set_contamination(dirty);
  store.set_contamination(clean);
  CHECK(split().shards == "0123456789abcdef");
  CHECK(split().clean.samples == 3);
  CHECK(split().contaminated.samples == 0);
  store.set_contamination(dirty);  // rescanned: the first corpus is the latest again
  CHECK(split().shards == corpus.fingerprint());
  CHECK(split().clean.samples == 1);
  CHECK(split().clean.mean == 0.0);
  CHECK(split().contaminated.samples == 2);
  CHECK(split().contaminated.mean == 0.5);
}

TEST_CASE("a store without contamination tables still reads, with no split", "[harness][contamination][reports]") {
  const fs::path dir = fresh_dir("old");
  {
    // The tables as layout 2 had them before contamination: drop the new ones from a fresh store.
    ResultStore store(dir.string());
  }
  {
    SqliteDatabase db((dir / "sextant.db").string(), SqliteDatabase::Mode::ReadWriteCreate);
    db.exec("DROP TABLE contamination; DROP TABLE contamination_scans;");
  }
  const reports::StoreContents contents = reports::read_store(dir.string());
  CHECK(contents.contamination_scans.empty());
  CHECK(contents.contamination_splits.empty());
  // Opening it for writing adds the tables back.
  { ResultStore store(dir.string()); }
  const SqliteDatabase db((dir / "sextant.db").string(), SqliteDatabase::Mode::ReadOnly);
  SqliteStatement s(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('contamination', 'contamination_scans')");
  s.step();
  CHECK(s.int_at(0) == 2);
}

TEST_CASE("gsm8k's test items are nearly clean against shards of its train split, and train items are not",
          "[harness][contamination][data]") {
  SEXTANT_REQUIRE_DATA(data);
  const fs::path dir = fresh_dir("gsm8k");
  // The train split as a corpus: each problem and solution one document, a 4096-token BPE
  // trained on them, as `sextant data prepare` would make it.
  std::vector<std::string> documents;
  std::vector<nlohmann::json> train_rows;
  std::ifstream in(fs::path(data) / "gsm8k" / "train.jsonl");
  for (std::string line; std::getline(in, line);) {
    train_rows.push_back(nlohmann::json::parse(line));
    documents.push_back(train_rows.back()["question"].get<std::string>() + "\n" +
                        train_rows.back()["answer"].get<std::string>());
  }
  REQUIRE(documents.size() > 7000);
  trainer::BpeTrainerOptions bpe;
  bpe.vocab_size = 4096;
  bpe.special_tokens = {"<|endoftext|>"};
  trainer::BpeTrainer bpe_trainer(bpe);
  for (const auto& d : documents) bpe_trainer.add_document(d);
  const std::string tokenizer_path = (dir / "tokenizer.json").string();
  bpe_trainer.train().save_tokenizer_json(tokenizer_path);
  const auto tok = runtime::Tokenizer::from_tokenizer_json(tokenizer_path);
  const TokenId end = tok.find("<|endoftext|>");
  std::vector<TokenId> all;
  for (const auto& d : documents) {
    const auto ids = tok.encode(d, false, false);
    all.insert(all.end(), ids.begin(), ids.end());
    all.push_back(end);
  }
  fs::create_directories(dir / "shards");
  trainer::write_token_shard((dir / "shards" / "gsm8k-train.bin").string(), all, tok.vocab_size());
  const trainer::NgramIndex index = trainer::NgramIndex::from_shards((dir / "shards").string(), 13, end);

  const DatasetConfig gsm8k = load_dataset_config(std::string(SEXTANT_SOURCE_DIR) + "/configs/datasets/gsm8k.json");
  const DatasetItemTexts test = item_texts(gsm8k, data, -1, false);
  REQUIRE(test.items.size() > 1000);
  const DatasetContamination scan = scan_items("gsm8k", test, tok, index, ContaminationRule{});
  const double dirty = static_cast<double>(scan.contaminated()) / static_cast<double>(scan.items.size());
  const DatasetContamination half = scan_items("gsm8k", test, tok, index, ContaminationRule{13, 0.5});
  WARN("gsm8k test against its train split: " << scan.contaminated() << " of " << scan.items.size()
                                              << " items share a 13-gram; " << half.contaminated()
                                              << " share at least half of theirs; " << index.size()
                                              << " distinct 13-grams in " << index.corpus_tokens() << " tokens");
  CHECK(dirty < 0.1);  // measured: 58 of 1319 (4.4%), shared phrasings of worked solutions
  CHECK(half.contaminated() * 100 < static_cast<std::int64_t>(scan.items.size()));

  // Train problems rendered as test items (the same prompt and answer templates) are all found.
  DatasetItemTexts seen;
  seen.mode = test.mode;
  for (std::int64_t i = 0; i < 200; ++i) {
    const auto& row = train_rows[static_cast<std::size_t>(i)];
    std::string answer = row["answer"].get<std::string>();
    seen.items.push_back({i, "Question: " + row["question"].get<std::string>() + "\nAnswer: " + answer});
  }
  CHECK(scan_items("gsm8k", seen, tok, index, ContaminationRule{}).contaminated() == 200);
}
