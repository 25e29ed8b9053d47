// Running the data pipeline's stages over a config's sources and writing shards, tokenizer and stats.
#include "trainer/data/data_pipeline.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <span>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "runtime/tokenizer/tokenizer.hpp"
#include "trainer/data/exact_dedup.hpp"
#include "trainer/data/labelled_text.hpp"
#include "trainer/data/source_documents.hpp"
#include "trainer/data/token_shard.hpp"
#include "trainer/tokenizer/bpe_trainer.hpp"

namespace sextant::trainer {
namespace fs = std::filesystem;

namespace {

enum Stage { kLanguage, kQualityRules, kQualityClassifier, kExactDedup, kNearDedup, kStageCount };
constexpr const char* kStageNames[kStageCount] = {"language", "quality_rules", "quality_classifier", "exact_dedup",
                                                  "near_dedup"};

struct Document {
  std::string text;
  std::size_t source = 0;
  std::string language;
  double confidence = 0;
  int removed_at = kStageCount;  // the stage that dropped it; kStageCount: kept
  std::string reason;
  std::int64_t tokens = 0;

  bool alive() const { return removed_at == kStageCount; }
  void remove(Stage stage, std::string why) {
    removed_at = stage;
    reason = std::move(why);
  }
};

std::size_t alive_count(const std::vector<Document>& docs) {
  return static_cast<std::size_t>(std::count_if(docs.begin(), docs.end(), [](const Document& d) { return d.alive(); }));
}

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Removes the partial output folder unless the run got to the end.
class PartialDir {
 public:
  explicit PartialDir(fs::path dir) : dir_(std::move(dir)) {}
  ~PartialDir() {
    std::error_code ec;
    if (!done_) fs::remove_all(dir_, ec);
  }
  PartialDir(const PartialDir&) = delete;
  PartialDir& operator=(const PartialDir&) = delete;
  const fs::path& path() const { return dir_; }
  void done() { done_ = true; }

 private:
  fs::path dir_;
  bool done_ = false;
};

// A source's documents, with the config file named in what fails.
std::vector<std::string> read_documents(const DataPipelineConfig& config, const SourceConfig& source,
                                        const std::string& corpus_dir, const std::string& what) {
  try {
    return read_source_documents(source, corpus_dir);
  } catch (const Error& e) {
    std::string message = e.what();
    // source_files() names the field as a pretraining config has it; here it sits elsewhere.
    if (message.starts_with("sources.")) message = what + message.substr(message.find('.', 8));
    fail("{}: {}", config.path, message);
  }
}

std::vector<LabelledText> labelled_examples(const DataPipelineConfig& config, const std::string& corpus_dir) {
  std::vector<LabelledText> out;
  if (!config.language.labelled.empty()) {
    SourceConfig files;
    files.name = "language.labelled";
    files.files = config.language.labelled;
    std::vector<std::string> paths;
    try {
      paths = source_files(files, corpus_dir);
    } catch (const Error& e) {
      fail("{}: {}", config.path, std::string(e.what()).substr(std::string("sources.").size()));
    }
    for (const std::string& path : paths) {
      std::vector<LabelledText> rows =
          path.ends_with(".jsonl") ? read_labelled_jsonl(path) : read_tatoeba_tsv(path, "");
      for (LabelledText& row : rows)
        if (row.split != "test") out.push_back(std::move(row));
    }
  }
  for (const SourceConfig& s : config.language.labelled_sources)
    for (std::string& text : read_documents(config, s, corpus_dir, "language.labelled_sources." + s.name))
      out.push_back({s.name, "train", std::move(text)});
  return out;
}

// Every k-th of the indices so that at most `limit` remain, spread over the whole list.
std::vector<std::size_t> spread(const std::vector<std::size_t>& indices, std::int64_t limit) {
  if (static_cast<std::int64_t>(indices.size()) <= limit) return indices;
  std::vector<std::size_t> out;
  const double step = static_cast<double>(indices.size()) / static_cast<double>(limit);
  for (std::int64_t i = 0; i < limit; ++i)
    out.push_back(indices[static_cast<std::size_t>(static_cast<double>(i) * step)]);
  return out;
}

// The probability that a golden document outscores a pool document (ties count half).
double area_under_curve(std::vector<double> golden, std::vector<double> pool) {
  if (golden.empty() || pool.empty()) return std::nan("");
  std::sort(golden.begin(), golden.end());
  std::sort(pool.begin(), pool.end());
  double wins = 0;
  std::size_t below = 0, equal_end = 0;
  for (double g : golden) {
    while (below < pool.size() && pool[below] < g) ++below;
    equal_end = std::max(equal_end, below);
    while (equal_end < pool.size() && pool[equal_end] == g) ++equal_end;
    wins += static_cast<double>(below) + 0.5 * static_cast<double>(equal_end - below);
  }
  return wins / (static_cast<double>(golden.size()) * static_cast<double>(pool.size()));
}

void progress(const DataPipelineOptions& options, const std::string& line) {
  if (!options.quiet) std::cerr << line << '\n';
}

// Puts the finished folder at `out`: an absent or empty folder is replaced by a rename; a
// full one only with overwrite, moved aside first so that `out` is never half-written.
void move_into_place(const fs::path& partial, const fs::path& out, bool overwrite) {
  if (fs::exists(out) && !(fs::is_directory(out) && fs::is_empty(out))) {
    if (!overwrite) fail("{}: already exists and is not empty (choose another --out, or --overwrite)", out.string());
    const fs::path old = out.string() + ".old-" + std::to_string(::getpid());
    fs::rename(out, old);
    fs::rename(partial, out);
    fs::remove_all(old);
    return;
  }
  if (fs::exists(out)) fs::remove(out);
  fs::rename(partial, out);
}

// Partial folders of runs that died (OUT.partial-PID with no process PID): a SIGKILL leaves them.
void remove_dead_partials(const fs::path& out) {
  const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  const std::string prefix = out.filename().string() + ".partial-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string pid = name.substr(prefix.size());
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (::kill(static_cast<pid_t>(std::stol(pid)), 0) == -1 && errno == ESRCH) fs::remove_all(entry.path(), ec);
  }
}

}  // namespace

PipelineStats run_data_pipeline(const DataPipelineConfig& config, const DataPipelineOptions& options) {
  const auto start = Clock::now();
  fs::path out = fs::path(options.out_dir).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();
  if (out.empty()) fail("data pipeline: no output folder given");
  if (fs::exists(out) && !options.overwrite && !(fs::is_directory(out) && fs::is_empty(out)))
    fail("{}: already exists and is not empty (choose another --out, or --overwrite)", out.string());
  if (!out.parent_path().empty()) fs::create_directories(out.parent_path());
  remove_dead_partials(out);
  PartialDir partial(out.string() + ".partial-" + std::to_string(::getpid()));
  fs::remove_all(partial.path());
  fs::create_directories(partial.path() / "shards");

  PipelineStats stats;
  stats.config = config.path;
  std::vector<double> stage_seconds(kStageCount, 0.0);

  // Reading.
  std::vector<Document> docs;
  for (std::size_t s = 0; s < config.sources.size(); ++s) {
    const SourceConfig& source = config.sources[s].files;
    const auto t0 = Clock::now();
    std::int64_t bytes = 0;
    std::size_t n = 0;
    for (std::string& text : read_documents(config, source, options.corpus_dir, "sources." + source.name)) {
      bytes += static_cast<std::int64_t>(text.size());
      ++n;
      Document& d = docs.emplace_back();
      d.text = std::move(text);
      d.source = s;
    }
    progress(options, fmt::format("read {}: {} documents, {:.2f} MB [{:.1f} s]", source.name, n,
                                  static_cast<double>(bytes) / 1e6, seconds_since(t0)));
  }

  // Language identification.
  {
    const auto t0 = Clock::now();
    bool needed = false;
    for (const PipelineSource& s : config.sources) needed = needed || s.language.empty();
    std::optional<LanguageIdentifier> identifier;
    if (needed && !config.language.model.empty()) {
      identifier = LanguageIdentifier::load(config.language.model);
      stats.language_model = {{"model", config.language.model}, {"languages", identifier->languages()}};
    } else if (needed) {
      const std::vector<LabelledText> examples = labelled_examples(config, options.corpus_dir);
      std::map<std::string, std::int64_t> per_label;
      for (const LabelledText& e : examples) per_label[e.label] += 1;
      try {
        identifier = LanguageIdentifier::train(examples, config.language.options);
      } catch (const Error& e) {
        fail("{}: language: {}", config.path, e.what());
      }
      identifier->save((partial.path() / "langid.bin").string());
      stats.language_model = {
          {"model", "langid.bin"}, {"trained_on", per_label}, {"temperature", identifier->temperature()}};
      progress(options, fmt::format("language identifier: trained on {} labelled texts in {} languages [{:.1f} s]",
                                    examples.size(), per_label.size(), seconds_since(t0)));
    }
    const std::set<std::string> allowed(config.language.allowed.begin(), config.language.allowed.end());
    for (Document& d : docs) {
      const PipelineSource& source = config.sources[d.source];
      if (!source.language.empty()) {
        d.language = source.language, d.confidence = 1;
        continue;
      }
      const LanguageGuess guess = identifier->classify(d.text);
      d.language = guess.language, d.confidence = guess.confidence;
      if (!allowed.empty() && !allowed.count(d.language)) {
        d.remove(kLanguage, "not_allowed");
      } else if (d.confidence < config.language.min_confidence) {
        d.remove(kLanguage, "below_min_confidence");
      }
    }
    stage_seconds[kLanguage] = seconds_since(t0);
    progress(options, fmt::format("language: {} of {} documents kept [{:.1f} s]", alive_count(docs), docs.size(),
                                  stage_seconds[kLanguage]));
  }

  // Rule-based quality filters.
  {
    const auto t0 = Clock::now();
    for (Document& d : docs) {
      const auto& rules = config.sources[d.source].rules;
      if (!d.alive() || !rules) continue;
      const QualityVerdict verdict = check_quality(*rules, d.text);
      if (!verdict.pass) d.remove(kQualityRules, std::string(verdict.rule));
    }
    stage_seconds[kQualityRules] = seconds_since(t0);
    progress(options, fmt::format("quality rules: {} documents kept [{:.1f} s]", alive_count(docs),
                                  stage_seconds[kQualityRules]));
  }

  // Model-based quality filter, cross-fitted over two folds.
  if (config.quality_classifier.enabled) {
    const auto t0 = Clock::now();
    const QualityClassifierStage& q = config.quality_classifier;
    const std::set<std::string> languages(q.languages.begin(), q.languages.end());
    std::vector<std::string> golden;
    for (const SourceConfig& g : q.golden)
      for (std::string& text : read_documents(config, g, options.corpus_dir, "quality_classifier.golden." + g.name))
        golden.push_back(std::move(text));
    std::vector<std::size_t> scored;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      const Document& d = docs[i];
      if (d.alive() && config.sources[d.source].quality_classifier &&
          (languages.empty() || languages.count(d.language)))
        scored.push_back(i);
    }
    std::vector<std::size_t> golden_folds[2], pool_folds[2];
    for (std::size_t i = 0; i < golden.size(); ++i) golden_folds[i % 2].push_back(i);
    for (std::size_t k = 0; k < scored.size(); ++k) pool_folds[k % 2].push_back(scored[k]);
    if (golden_folds[1].empty() || pool_folds[1].empty())
      fail("{}: quality_classifier: needs at least 2 golden documents and 2 documents to score, has {} and {}",
           config.path, golden.size(), scored.size());
    std::vector<double> score(docs.size(), std::nan(""));
    std::vector<double> golden_scores, pool_scores;
    std::int64_t trained_golden = 0, trained_pool = 0;
    for (int fold = 0; fold < 2; ++fold) {
      std::vector<std::string_view> g, p;
      for (std::size_t i : spread(golden_folds[fold], q.max_examples)) g.push_back(golden[i]);
      for (std::size_t i : spread(pool_folds[fold], q.max_examples)) p.push_back(docs[i].text);
      trained_golden += static_cast<std::int64_t>(g.size()), trained_pool += static_cast<std::int64_t>(p.size());
      const QualityClassifier model = QualityClassifier::train(g, p, q.options);
      for (std::size_t i : pool_folds[1 - fold]) pool_scores.push_back(score[i] = model.score(docs[i].text));
      for (std::size_t i : golden_folds[1 - fold]) golden_scores.push_back(model.score(golden[i]));
    }
    std::vector<std::size_t> removed;
    if (q.threshold) {
      for (std::size_t i : scored)
        if (score[i] < *q.threshold) removed.push_back(i);
    } else {
      std::vector<std::size_t> order = scored;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
      const auto keep = static_cast<std::size_t>(std::ceil(*q.top_fraction * static_cast<double>(order.size())));
      removed.assign(order.begin() + static_cast<std::ptrdiff_t>(std::min(keep, order.size())), order.end());
    }
    for (std::size_t i : removed)
      docs[i].remove(kQualityClassifier, q.threshold ? "below_threshold" : "below_top_fraction");
    std::int64_t golden_right = 0, pool_right = 0;
    for (double s : golden_scores) golden_right += s >= 0.5;
    for (double s : pool_scores) pool_right += s < 0.5;
    const double mean_pool = pool_scores.empty() ? 0.0
                                                 : std::accumulate(pool_scores.begin(), pool_scores.end(), 0.0) /
                                                       static_cast<double>(pool_scores.size());
    const double auc = area_under_curve(golden_scores, pool_scores);
    stats.quality_classifier = {
        {"golden_documents", golden.size()},
        {"scored_documents", scored.size()},
        {"trained_on", {{"golden", trained_golden}, {"pool", trained_pool}}},
        {"held_out_golden_accuracy", static_cast<double>(golden_right) / static_cast<double>(golden_scores.size())},
        {"held_out_pool_accuracy", static_cast<double>(pool_right) / static_cast<double>(pool_scores.size())},
        {"held_out_auc", std::isnan(auc) ? nlohmann::json(nullptr) : nlohmann::json(auc)},
        {"mean_pool_score", mean_pool}};
    if (q.threshold) stats.quality_classifier["threshold"] = *q.threshold;
    if (q.top_fraction) stats.quality_classifier["top_fraction"] = *q.top_fraction;
    stage_seconds[kQualityClassifier] = seconds_since(t0);
    progress(options, fmt::format("quality classifier: {} golden / {} pool documents, held-out AUC {:.3f}; removed {} "
                                  "of {} scored [{:.1f} s]",
                                  golden.size(), scored.size(), auc, removed.size(), scored.size(),
                                  stage_seconds[kQualityClassifier]));
  }

  // Deduplication across sources: exact, then near.
  {
    auto alive_indices = [&] {
      std::vector<std::size_t> v;
      for (std::size_t i = 0; i < docs.size(); ++i)
        if (docs[i].alive()) v.push_back(i);
      return v;
    };
    if (config.dedup.exact) {
      const auto t0 = Clock::now();
      const std::vector<std::size_t> alive = alive_indices();
      std::vector<std::string_view> texts;
      for (std::size_t i : alive) texts.push_back(docs[i].text);
      const std::vector<std::size_t> first = first_exact_duplicates(texts);
      for (std::size_t k = 0; k < alive.size(); ++k)
        if (first[k] != k) docs[alive[k]].remove(kExactDedup, "exact_duplicate");
      stage_seconds[kExactDedup] = seconds_since(t0);
      progress(options,
               fmt::format("exact dedup: {} documents kept [{:.1f} s]", alive_count(docs), stage_seconds[kExactDedup]));
    }
    if (config.dedup.near) {
      const auto t0 = Clock::now();
      const std::vector<std::size_t> alive = alive_indices();
      std::vector<std::string_view> texts;
      for (std::size_t i : alive) texts.push_back(docs[i].text);
      const DedupResult result = deduplicate(texts, config.dedup.near_config);
      for (std::size_t k = 0; k < alive.size(); ++k)
        if (!result.kept(k)) docs[alive[k]].remove(kNearDedup, "near_duplicate");
      stage_seconds[kNearDedup] = seconds_since(t0);
      progress(options, fmt::format("near dedup: {} candidate pairs, {} at or above Jaccard {} [{:.1f} s]",
                                    result.candidate_pairs, result.verified_pairs, config.dedup.near_config.threshold,
                                    stage_seconds[kNearDedup]));
    }
  }

  // The tokenizer: the configured file, or a byte-level BPE trained on the kept documents.
  const fs::path tokenizer_path = partial.path() / "tokenizer.json";
  {
    const auto t0 = Clock::now();
    if (!config.tokenizer.path.empty()) {
      if (!fs::is_regular_file(config.tokenizer.path))
        fail("{}: tokenizer: {} is not a file", config.path, config.tokenizer.path);
      fs::copy_file(config.tokenizer.path, tokenizer_path);
      stats.tokenizer = {{"given", config.tokenizer.path}};
    } else {
      BpeTrainerOptions bpe;
      bpe.vocab_size = static_cast<int>(config.tokenizer.vocab_size);
      bpe.special_tokens = config.tokenizer.special_tokens;
      BpeTrainer trainer(bpe);
      for (const Document& d : docs)
        if (d.alive()) trainer.add_document(d.text);
      trainer.train().save_tokenizer_json(tokenizer_path.string());
      stats.tokenizer = {{"trained_on_documents", trainer.document_count()},
                         {"trained_on_bytes", trainer.byte_count()}};
      progress(options,
               fmt::format("tokenizer: byte-level BPE of {} tokens trained on {} documents ({:.2f} MB) [{:.1f} s]",
                           bpe.vocab_size, trainer.document_count(), static_cast<double>(trainer.byte_count()) / 1e6,
                           seconds_since(t0)));
    }
  }
  const runtime::Tokenizer tokenizer = runtime::Tokenizer::from_tokenizer_json(tokenizer_path.string());
  runtime::TokenId end_of_document = tokenizer.find("<|endoftext|>");
  if (end_of_document < 0) end_of_document = tokenizer.eos();
  if (end_of_document < 0)
    fail("{}: tokenizer: {} has no <|endoftext|> (or end-of-sequence) token to end documents with", config.path,
         config.tokenizer.path);
  stats.tokenizer["path"] = "tokenizer.json";
  stats.tokenizer["vocab_size"] = tokenizer.vocab_size();
  stats.tokenizer["end_of_document"] = end_of_document;

  // Every document is tokenized (for the counts of each stage); the kept ones go to shards.
  {
    const auto t0 = Clock::now();
    for (std::size_t s = 0; s < config.sources.size(); ++s) {
      const std::string& name = config.sources[s].files.name;
      SourceOutput& output = stats.sources[name];
      std::unique_ptr<TokenShardWriter> writer;
      auto open_next = [&] {
        if (writer) writer->finish();
        const std::string file = config.max_shard_tokens > 0
                                     ? fmt::format("shards/{}-{:05d}.bin", name, output.shards.size())
                                     : fmt::format("shards/{}.bin", name);
        writer = std::make_unique<TokenShardWriter>((partial.path() / file).string(), tokenizer.vocab_size());
        output.shards.push_back({file, 0});
      };
      open_next();
      std::vector<runtime::TokenId> ids;
      for (Document& d : docs) {
        if (d.source != s) continue;
        ids = tokenizer.encode(d.text, false, false);
        d.tokens = static_cast<std::int64_t>(ids.size());
        if (!d.alive()) continue;
        ids.push_back(end_of_document);
        output.documents += 1;
        std::span<const runtime::TokenId> rest(ids);
        while (!rest.empty()) {
          std::size_t n = rest.size();
          if (config.max_shard_tokens > 0) {
            if (output.shards.back().tokens == config.max_shard_tokens) open_next();
            n = std::min<std::size_t>(n,
                                      static_cast<std::size_t>(config.max_shard_tokens - output.shards.back().tokens));
          }
          writer->append(rest.first(n));
          output.shards.back().tokens += static_cast<std::int64_t>(n);
          output.tokens += static_cast<std::int64_t>(n);
          rest = rest.subspan(n);
        }
      }
      writer->finish();
    }
    progress(options, fmt::format("tokenized and sharded [{:.1f} s]", seconds_since(t0)));
  }

  // The counts of each stage, from each document's fate.
  const bool enabled[kStageCount] = {true, true, config.quality_classifier.enabled, config.dedup.exact,
                                     config.dedup.near};
  for (int stage = 0; stage < kStageCount; ++stage) {
    StageStats st;
    st.name = kStageNames[stage];
    st.enabled = enabled[stage];
    st.seconds = stage_seconds[static_cast<std::size_t>(stage)];
    for (const Document& d : docs) {
      if (d.removed_at < stage) continue;
      const auto bytes = static_cast<std::int64_t>(d.text.size());
      const std::string& source = config.sources[d.source].files.name;
      st.total.in.add(bytes, d.tokens);
      st.by_source[source].in.add(bytes, d.tokens);
      st.by_language[d.language].in.add(bytes, d.tokens);
      if (d.removed_at == stage) {
        st.removed_by[d.reason] += 1;
        continue;
      }
      st.total.out.add(bytes, d.tokens);
      st.by_source[source].out.add(bytes, d.tokens);
      st.by_language[d.language].out.add(bytes, d.tokens);
    }
    stats.stages.push_back(std::move(st));
  }

  stats.seconds = seconds_since(start);
  write_file_atomically((partial.path() / "stats.json").string(), stats.to_json().dump(2) + "\n");
  move_into_place(partial.path(), out, options.overwrite);
  partial.done();
  return stats;
}

}  // namespace sextant::trainer
