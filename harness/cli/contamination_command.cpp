// `sextant data contamination`: which benchmark items a training corpus holds (token n-gram overlap), into the store.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/work_dirs.hpp"
#include "harness/config/config_catalog.hpp"
#include "harness/eval/contamination_scan.hpp"
#include "harness/eval/item_texts.hpp"
#include "harness/store/result_store.hpp"

namespace sextant::harness {

namespace {
namespace fs = std::filesystem;

// `sextant data prepare`'s output folder (shards/ and tokenizer.json in it) or its shards/
// folder (tokenizer.json beside or above it).
struct CorpusPaths {
  std::string shards, tokenizer;
};

CorpusPaths corpus_paths(const std::string& dir, const std::string& tokenizer) {
  CorpusPaths p;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError(fmt::format("data contamination: --shards {}: no such folder", dir));
  p.shards = fs::is_directory(fs::path(dir) / "shards", ec) ? (fs::path(dir) / "shards").string() : dir;
  if (!tokenizer.empty()) {
    p.tokenizer = tokenizer;
  } else {
    for (const fs::path& candidate : {fs::path(dir) / "tokenizer.json", fs::path(p.shards) / "tokenizer.json",
                                      fs::path(p.shards).parent_path() / "tokenizer.json"})
      if (fs::is_regular_file(candidate, ec)) {
        p.tokenizer = candidate.string();
        break;
      }
    if (p.tokenizer.empty())
      throw UsageError(fmt::format(
          "data contamination: no tokenizer.json in or above {} (the shards' tokenizer; name it with --tokenizer)",
          dir));
  }
  return p;
}

std::string default_data_dir() {
  if (const char* env = std::getenv("SEXTANT_DATA_DIR")) return env;
  return "data";
}

// The datasets named by --datasets (modes dropped: every mode sees the same items) or the suite's, each once.
std::vector<std::string> dataset_names(const ConfigCatalog& catalog, const Arguments& args) {
  std::vector<SuiteTask> tasks;
  if (args.has("datasets")) {
    for (const auto& name : split_list(args.get("datasets"))) tasks.push_back(parse_suite_task(name));
  } else {
    tasks = catalog.suite(args.get("suite")).tasks;
  }
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& t : tasks)
    if (seen.insert(t.dataset).second) names.push_back(t.dataset);
  return names;
}

}  // namespace

int contamination_command(const std::vector<std::string>& argv) {
  Arguments args("data contamination",
                 "Finds the benchmark items a training corpus holds: every token n-gram (13-grams by default) of the "
                 "token shards that `sextant data prepare` wrote goes into an index, and each item's text (its "
                 "zero-shot prompt plus its gold answer, tokenized with the shards' tokenizer.json) is looked up in "
                 "it. An item is contaminated when one of its n-grams is in the corpus (or, with --min-overlap F, "
                 "when at least that fraction of them is). The results go to the work directory's store, keyed by "
                 "dataset, item and the shards' fingerprint; `sextant report` then shows each such dataset's score "
                 "on its clean and contaminated items side by side. Prints items, contaminated and percentage per "
                 "dataset.");
  args.option("shards", "DIR", "a `sextant data prepare` output folder, or a folder of token shards (*.bin)")
      .option("tokenizer", "FILE", "the shards' tokenizer.json (default: found in or above --shards)")
      .option("suite", "NAME", "the suite whose datasets to check (see 'sextant ls suites')", "core")
      .option("datasets", "LIST", "comma-separated datasets instead of a suite")
      .option("data-dir", "DIR", "folder holding the benchmark files (or $SEXTANT_DATA_DIR)", default_data_dir())
      .option("configs", "DIR", "config folder (default: ./configs, else $SEXTANT_CONFIG_DIR, else the source tree's)")
      .option("ngram", "N", "tokens per n-gram", std::to_string(trainer::kDefaultContaminationNgram))
      .option("min-overlap", "F",
              "contaminated when at least this fraction of an item's n-grams is in the corpus; 0: when any is", "0")
      .option("work-dir", "DIR", "the work directory whose store (sextant.db) records the results", kDefaultWorkDir)
      .option("limit", "N", "only the first N items of each dataset")
      .flag("skip-bad-rows", "count and skip malformed rows instead of stopping at the first")
      .flag("json", "print the results as JSON")
      .flag("quiet", "no progress on stderr");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty())
    throw UsageError(fmt::format("data contamination: unexpected \"{}\"", args.positional()[0]));
  if (!args.has("shards")) throw UsageError("data contamination: --shards DIR is required");
  ContaminationRule rule;
  const long long n = args.get_int("ngram");
  if (n < 1 || n > 1000) throw UsageError("data contamination: --ngram must be in [1, 1000]");
  rule.ngram = static_cast<int>(n);
  rule.min_overlap = args.get_double("min-overlap");
  if (!(rule.min_overlap >= 0.0 && rule.min_overlap <= 1.0))
    throw UsageError("data contamination: --min-overlap must be in [0, 1]");
  const long long limit = args.has("limit") ? args.get_int("limit") : -1;
  if (args.has("limit") && limit < 1) throw UsageError("data contamination: --limit must be at least 1");
  const bool quiet = args.flag_set("quiet");

  const ConfigCatalog catalog(args.get_or("configs", ""));
  const std::vector<std::string> names = dataset_names(catalog, args);
  const CorpusPaths paths = corpus_paths(args.get("shards"), args.get_or("tokenizer", ""));
  const runtime::Tokenizer tokenizer = runtime::Tokenizer::from_tokenizer_json(paths.tokenizer);
  runtime::TokenId separator = tokenizer.find("<|endoftext|>");
  if (separator < 0) separator = tokenizer.eos();

  const auto t0 = std::chrono::steady_clock::now();
  const trainer::NgramIndex index = trainer::NgramIndex::from_shards(paths.shards, rule.ngram, separator);
  const double index_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!quiet)
    std::cerr << fmt::format(
        "data contamination: {} shard(s), {} tokens, {} distinct {}-grams ({:.1f} MB) in {:.1f} s; shards {}\n",
        index.shard_files().size(), index.corpus_tokens(), index.size(), rule.ngram,
        static_cast<double>(index.memory_bytes()) / 1e6, index_seconds, index.fingerprint());

  ResultStore store(args.get("work-dir"));
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  std::size_t width = 7;  // "dataset"
  for (const auto& name : names) width = std::max(width, name.size());
  std::string table = fmt::format("{:<{}} {:>8} {:>13} {:>8}\n", "dataset", width, "items", "contaminated", "%");
  std::vector<std::string> skipped;
  for (const std::string& name : names) {
    const DatasetConfig dataset = catalog.dataset(name);
    const auto t1 = std::chrono::steady_clock::now();
    const DatasetItemTexts texts = item_texts(dataset, args.get("data-dir"), limit, args.flag_set("skip-bad-rows"));
    if (!texts.skipped.empty()) {
      skipped.push_back(fmt::format("{}: {}", name, texts.skipped));
      continue;
    }
    DatasetContamination scan = scan_items(name, texts, tokenizer, index, rule);
    scan.shards_path = fs::absolute(paths.shards).lexically_normal().string();
    store.set_contamination(scan);
    const std::int64_t items = static_cast<std::int64_t>(scan.items.size());
    const std::int64_t dirty = scan.contaminated();
    const double percent = items > 0 ? 100.0 * static_cast<double>(dirty) / static_cast<double>(items) : 0.0;
    if (!quiet)
      std::cerr << fmt::format("  {}: {} items, {} contaminated [{:.1f} s]\n", name, items, dirty,
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count());
    table += fmt::format("{:<{}} {:>8} {:>13} {:>7.1f}%\n", name, width, items, dirty, percent);
    nlohmann::ordered_json contaminated_items = nlohmann::ordered_json::array();
    for (const auto& i : scan.items)
      if (i.contaminated)
        contaminated_items.push_back({{"item", i.item_index}, {"overlap", i.overlap}, {"matched", i.matched}});
    results.push_back({{"dataset", name},
                       {"mode", scan.mode},
                       {"items", items},
                       {"contaminated", dirty},
                       {"percent", percent},
                       {"bad_rows", texts.bad_rows},
                       {"contaminated_items", contaminated_items}});
  }
  if (args.flag_set("json")) {
    nlohmann::ordered_json j = {{"shards", index.fingerprint()},
                                {"shards_path", paths.shards},
                                {"tokenizer", paths.tokenizer},
                                {"ngram", rule.ngram},
                                {"min_overlap", rule.min_overlap},
                                {"corpus_tokens", index.corpus_tokens()},
                                {"distinct_ngrams", index.size()},
                                {"store", store.path()},
                                {"datasets", results},
                                {"skipped", skipped}};
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::cout << table;
  for (const auto& s : skipped) std::cout << "skipped " << s << "\n";
  std::cout << fmt::format("rule: contaminated when {} of an item's {}-grams {} in the corpus\nstore: {}\n",
                           rule.min_overlap > 0 ? fmt::format("at least {:.0f}%", 100 * rule.min_overlap) : "one",
                           rule.ngram, rule.min_overlap > 0 ? "are" : "is", store.path());
  return 0;
}

}  // namespace sextant::harness
