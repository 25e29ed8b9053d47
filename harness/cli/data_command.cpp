// `sextant data`: the data pipeline (prepare), contamination (its own file) and langid train / classify.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "trainer/data/data_pipeline.hpp"
#include "trainer/data/labelled_text.hpp"
#include "trainer/data/language_identifier.hpp"

namespace sextant::harness {

namespace {
namespace fs = std::filesystem;

constexpr const char* kOverview =
    "usage: sextant data <subcommand> [options]\n\n"
    "Prepares pretraining data and trains the tools it uses.\n\n"
    "subcommands:\n"
    "  prepare           sources -> language id -> quality rules -> quality classifier -> exact and near\n"
    "                    dedup -> BPE tokenizer -> token shards per source, with stats.json and a table\n"
    "  contamination     which benchmark items the token shards hold (n-gram overlap), into the store\n"
    "  langid train      train the character n-gram language identifier on labelled text\n"
    "  langid classify   the language and confidence of each line of stdin\n\n"
    "Run 'sextant data <subcommand> --help' for its options.\n";

std::vector<std::string> rest_of(const std::vector<std::string>& argv, std::size_t skip) {
  return std::vector<std::string>(argv.begin() + static_cast<std::ptrdiff_t>(skip), argv.end());
}

int prepare(const std::vector<std::string>& argv) {
  Arguments args("data prepare",
                 "Runs a data config (configs/data/*.json) over its sources: language identification (an identifier "
                 "trained on the config's labelled text unless it names a model), Gopher-style quality rules, a "
                 "quality classifier trained on the config's golden reference text, exact and MinHash near "
                 "deduplication, then trains a byte-level BPE tokenizer (or takes the config's) and writes token "
                 "shards per source, tokenizer.json and stats.json to --out. The output folder appears whole at the "
                 "end (it is built beside it first). A config with a \"fallback\" runs that config instead when its "
                 "corpus folder is absent (e.g. text from Debian packages). Progress goes to stderr, the stage table "
                 "to stdout.");
  args.option("config", "FILE", "the data config (.json)")
      .option("corpora-dir", "DIR",
              "the folder the sources' files are relative to (default: the config's "
              "corpora_dir, else $SEXTANT_CORPORA_DIR, else ./corpora)")
      .option("out", "DIR", "the output folder (absent or empty, or use --overwrite)")
      .flag("overwrite", "replace a non-empty --out once the new one is complete")
      .flag("json", "print stats.json instead of the table")
      .flag("quiet", "no progress on stderr");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty())
    throw UsageError(fmt::format("data prepare: unexpected \"{}\"", args.positional()[0]));
  if (!args.has("config")) throw UsageError("data prepare: --config is required (e.g. configs/data/demo.json)");
  if (!args.has("out")) throw UsageError("data prepare: --out is required");

  trainer::DataPipelineConfig config = trainer::read_data_pipeline_config(args.get("config"));
  std::string corpus_dir = args.get_or("corpora-dir", "");
  if (corpus_dir.empty()) corpus_dir = config.corpora_dir;
  if (corpus_dir.empty())
    corpus_dir = std::getenv("SEXTANT_CORPORA_DIR") ? std::getenv("SEXTANT_CORPORA_DIR") : "corpora";
  if (!fs::is_directory(corpus_dir)) {
    if (config.fallback.empty())
      throw Error(fmt::format("{}: the corpus folder {} does not exist (--corpora-dir)", config.path, corpus_dir));
    std::cerr << fmt::format("data prepare: the corpus folder {} is absent; running the config's fallback {}\n",
                             corpus_dir, config.fallback);
    const std::string from = config.path;
    config = trainer::read_data_pipeline_config(config.fallback);
    corpus_dir = config.corpora_dir;
    if (corpus_dir.empty() || !fs::is_directory(corpus_dir))
      throw Error(
          fmt::format("{}: fallback: its corpus folder {} does not exist either (scripts/setup.sh installs "
                      "the Debian packages it reads)",
                      from, corpus_dir.empty() ? "(none given)" : corpus_dir));
  }

  trainer::DataPipelineOptions options;
  options.corpus_dir = corpus_dir;
  options.out_dir = args.get("out");
  options.overwrite = args.flag_set("overwrite");
  options.quiet = args.flag_set("quiet");
  if (!options.quiet) std::cerr << fmt::format("data prepare: {} over {}\n", config.path, corpus_dir);
  const trainer::PipelineStats stats = trainer::run_data_pipeline(config, options);
  if (args.flag_set("json")) {
    std::cout << stats.to_json().dump(2) << "\n";
  } else {
    std::cout << stats.table() << fmt::format("written: {}\n", options.out_dir);
  }
  return 0;
}

std::vector<trainer::LabelledText> read_labelled(const std::vector<std::string>& paths, const std::string& split) {
  std::vector<trainer::LabelledText> out;
  for (const std::string& path : paths) {
    auto rows = path.ends_with(".jsonl") ? trainer::read_labelled_jsonl(path) : trainer::read_tatoeba_tsv(path, split);
    for (auto& r : rows) out.push_back(std::move(r));
  }
  return out;
}

int langid_train(const std::vector<std::string>& argv) {
  Arguments args("data langid train",
                 "Trains the language identifier (naive Bayes over hashed character n-grams, its confidence "
                 "calibrated on held-out examples) and saves it. Labelled files: JSON Lines with \"lang\", \"text\" "
                 "and an optional \"split\" (fortunes_langid.jsonl; rows of split \"test\" are not trained on but "
                 "scored), or Tatoeba's id<TAB>iso639-3<TAB>sentence TSV (any other extension). Files may also follow "
                 "the options. With test rows, or --test files, prints the accuracy per language.");
  args.option("labelled", "FILES", "labelled files, comma-separated")
      .option("test", "FILES", "more labelled files to score only, comma-separated")
      .option("out", "FILE", "where the model goes (e.g. langid.bin)")
      .option("bucket-bits", "N", "n-grams hash into 2^N features", "18")
      .option("max-order", "N", "character n-grams of 1..N code points", "4");
  if (!args.parse(argv)) return 0;
  std::vector<std::string> files = split_list(args.get_or("labelled", ""));
  files.insert(files.end(), args.positional().begin(), args.positional().end());
  if (files.empty()) throw UsageError("data langid train: --labelled FILES is required");
  if (!args.has("out")) throw UsageError("data langid train: --out FILE is required");

  std::vector<trainer::LabelledText> train, test;
  for (auto& e : read_labelled(files, "train")) (e.split == "test" ? test : train).push_back(std::move(e));
  for (auto& e : read_labelled(split_list(args.get_or("test", "")), "test")) test.push_back(std::move(e));
  trainer::LanguageIdentifierOptions options;
  options.bucket_bits = static_cast<int>(args.get_int("bucket-bits"));
  options.max_order = static_cast<int>(args.get_int("max-order"));
  const trainer::LanguageIdentifier model = trainer::LanguageIdentifier::train(train, options);
  model.save(args.get("out"));
  std::cerr << fmt::format("trained on {} texts; {} languages; temperature {:.2f}; saved {}\n", train.size(),
                           model.languages().size(), model.temperature(), args.get("out"));
  if (test.empty()) return 0;
  std::map<std::string, std::pair<int, int>> per_language;  // right, total
  int right = 0;
  for (const auto& e : test) {
    const bool ok = model.classify(e.text).language == e.label;
    right += ok;
    per_language[e.label].first += ok;
    per_language[e.label].second += 1;
  }
  std::cout << fmt::format("{:<10} {:>8} {:>9}\n", "language", "tests", "accuracy");
  for (const auto& [language, counts] : per_language)
    std::cout << fmt::format("{:<10} {:>8} {:>8.1f}%\n", language, counts.second, 100.0 * counts.first / counts.second);
  std::cout << fmt::format("{:<10} {:>8} {:>8.1f}%\n", "all", test.size(),
                           100.0 * right / static_cast<double>(test.size()));
  return 0;
}

int langid_classify(const std::vector<std::string>& argv) {
  Arguments args("data langid classify",
                 "Reads text on stdin and prints, for each line, its language and the confidence "
                 "(language<TAB>confidence; an empty line for an empty line), or for the whole text with --whole.");
  args.option("model", "FILE", "a model from `sextant data langid train` (or a pipeline's langid.bin)")
      .flag("whole", "classify all of stdin as one text")
      .flag("json", "print {\"language\": ..., \"confidence\": ...} per line");
  if (!args.parse(argv)) return 0;
  if (!args.has("model")) throw UsageError("data langid classify: --model FILE is required");
  const trainer::LanguageIdentifier model = trainer::LanguageIdentifier::load(args.get("model"));
  const bool json = args.flag_set("json");
  auto print = [&](std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      std::cout << "\n";
      return;
    }
    const trainer::LanguageGuess g = model.classify(text);
    if (json) {
      std::cout << nlohmann::json({{"language", g.language}, {"confidence", g.confidence}}).dump() << "\n";
    } else {
      std::cout << fmt::format("{}\t{:.4f}\n", g.language, g.confidence);
    }
  };
  if (args.flag_set("whole")) {
    const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    print(text);
    return 0;
  }
  std::string line;
  while (std::getline(std::cin, line)) print(line);
  return 0;
}

}  // namespace

int data_command(const std::vector<std::string>& argv) {
  if (argv.empty())
    throw UsageError(
        "data: say what to do: prepare, contamination, langid train or langid classify (sextant data --help)");
  const std::string& what = argv[0];
  if (what == "--help" || what == "-h" || what == "help") {
    std::fputs(kOverview, stdout);
    return 0;
  }
  if (what == "prepare") return prepare(rest_of(argv, 1));
  if (what == "contamination") return contamination_command(rest_of(argv, 1));
  if (what == "langid") {
    const std::string sub = argv.size() > 1 ? argv[1] : "";
    if (sub == "train") return langid_train(rest_of(argv, 2));
    if (sub == "classify") return langid_classify(rest_of(argv, 2));
    if (sub == "--help" || sub == "-h") {
      std::fputs(kOverview, stdout);
      return 0;
    }
    throw UsageError("data langid: say train or classify (sextant data --help)");
  }
  throw UsageError(
      fmt::format("data: unknown subcommand \"{}\" (prepare, contamination, langid train, langid classify)", what));
}

}  // namespace sextant::harness
