// One training run, step by step: pack micro-batches, forward and backward, clip, update, log, checkpoint.
#include "trainer/pretrain/pretrainer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/tokenizer/tokenizer.hpp"
#include "trainer/checkpoint/training_checkpoint.hpp"
#include "trainer/data/cloze_items.hpp"
#include "trainer/data/sequence_packer.hpp"
#include "trainer/data/shard_source.hpp"
#include "trainer/data/source_documents.hpp"
#include "trainer/model/trainable_llama.hpp"
#include "trainer/optim/adamw.hpp"
#include "trainer/optim/lr_schedule.hpp"
#include "trainer/tokenizer/bpe_trainer.hpp"

namespace sextant::trainer {
namespace fs = std::filesystem;

runtime::ModelConfig model_config_of(const PretrainConfig& config, std::int64_t vocab_size) {
  runtime::ModelConfig c;
  c.arch = runtime::Architecture::Llama;
  c.arch_name = "llama";
  c.n_vocab = vocab_size;
  c.n_embd = config.model.hidden;
  c.n_layer = config.model.layers;
  c.n_head = config.model.heads;
  c.n_head_kv = config.model.kv_heads;
  c.head_dim = config.model.hidden / config.model.heads;
  c.n_ff = config.model.ffn;
  c.context_length = config.seq_len;
  c.rope_dims = c.head_dim;
  c.rope_theta = config.model.rope_theta;
  c.rope_style = runtime::RopeStyle::Halves;
  c.rms_eps = static_cast<float>(config.model.rms_eps);
  c.tied_embeddings = true;
  c.kv_type = runtime::KvType::F32;
  return c;
}

struct Pretrainer::State {
  PretrainConfig config;
  PretrainOptions options;
  std::unique_ptr<Communicator> own_comm;
  Communicator* comm = nullptr;
  bool rank0 = true;
  runtime::Tokenizer tokenizer;
  std::int32_t end_of_document = -1;
  runtime::ModelConfig model_config;
  std::vector<TokenStream> streams;
  std::string fingerprint;
};

namespace {

std::int32_t end_of_document_id(const runtime::Tokenizer& tok, const std::string& path) {
  if (tok.eos() >= 0) return tok.eos();
  const auto id = tok.find("<|endoftext|>");
  if (id < 0) fail("{}: the tokenizer has no end-of-sequence token (eos, or <|endoftext|>) to end documents with", path);
  return id;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(seconds);
  return s >= 3600 ? fmt::format("{}h{:02d}m", s / 3600, s % 3600 / 60) : fmt::format("{}m{:02d}s", s / 60, s % 60);
}

// The log lines of steps up to `step`: a resumed run continues the log of the run it resumes.
void truncate_log(const fs::path& log, std::int64_t step) {
  if (!fs::exists(log)) return;
  std::ifstream in(log);
  std::string line, kept;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("step") && j["step"].get<std::int64_t>() <= step) kept += line + "\n";
  }
  write_file_atomically(log.string(), kept);
}

}  // namespace

Pretrainer::Pretrainer(PretrainConfig config, PretrainOptions options) : s_(std::make_unique<State>()) {
  State& s = *s_;
  s.config = std::move(config);
  s.options = std::move(options);
  if (!s.options.comm) s.own_comm = local_communicator();
  s.comm = s.options.comm ? s.options.comm : s.own_comm.get();
  s.rank0 = s.comm->rank() == 0;
  if (s.config.accumulation % s.comm->size() != 0)
    fail("{}: batch.accumulation ({}) must be a multiple of the {} processes: each runs the same share of a step's "
         "micro-batches", s.config.path, s.config.accumulation, s.comm->size());
  // Every rank computes the same documents and tokenizer; rank 0 alone writes them.
  s.options.quiet = s.options.quiet || !s.rank0;
  fs::create_directories(s.options.out_dir);

  // Each text source's documents: every (1 / held_out)-th one, up to held_out_bytes of text, goes
  // to heldout/NAME.jsonl (text for perplexity); spread over the files, the held-out text is
  // like the training text. The rest is for training.
  const fs::path heldout_dir = fs::path(s.options.out_dir) / "heldout";
  fs::create_directories(heldout_dir);
  std::vector<std::vector<std::string>> training_docs;
  std::vector<std::string> all_held_out;
  for (const SourceConfig& source : s.config.sources) {
    if (source.format == "shards") {  // already tokens: split below, once the tokenizer is read
      training_docs.emplace_back();
      continue;
    }
    std::vector<std::string> docs = read_source_documents(source, s.options.corpus_dir);
    std::vector<std::string> train;
    std::string held;
    std::int64_t held_bytes = 0;
    const std::size_t every = source.held_out > 0.0 ? static_cast<std::size_t>(std::llround(1.0 / source.held_out)) : 0;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      const bool hold = every > 0 && i % every == every - 1 &&
                        held_bytes + static_cast<std::int64_t>(docs[i].size()) <= source.held_out_bytes;
      if (hold) {
        held += nlohmann::json({{"text", docs[i]}}).dump() + "\n";
        all_held_out.push_back(docs[i]);
        held_bytes += static_cast<std::int64_t>(docs[i].size());
      } else {
        train.push_back(std::move(docs[i]));
      }
    }
    if (train.empty()) fail("sources.{}: no document is left for training", source.name);
    if (s.rank0) write_file_atomically((heldout_dir / (source.name + ".jsonl")).string(), held);
    training_docs.push_back(std::move(train));
  }
  // Next-word cloze items from the held-out text of every source (the heldout_cloze dataset).
  if (s.rank0)
    write_file_atomically((heldout_dir / "cloze.jsonl").string(),
                          cloze_items_jsonl(make_cloze_items(all_held_out, s.config.seed)));

  // The tokenizer: the config's file, or one trained here on the training documents (kept
  // in OUT so that a resumed run and every checkpoint use the same).
  if (s.config.tokenizer.empty()) {
    const fs::path path = fs::path(s.options.out_dir) / "tokenizer.json";
    if (s.rank0 && !(s.options.resume && fs::exists(path))) {
      const auto t0 = std::chrono::steady_clock::now();
      BpeTrainerOptions bpe;
      bpe.vocab_size = static_cast<int>(s.config.tokenizer_vocab);
      bpe.special_tokens = s.config.special_tokens;
      BpeTrainer trainer(bpe);
      for (const auto& docs : training_docs)
        for (const std::string& d : docs) trainer.add_document(d);
      trainer.train().save_tokenizer_json(path.string());
      if (!s.options.quiet)
        std::cerr << fmt::format("tokenizer: byte-level BPE of {} tokens trained on {} documents ({:.1f} MB) [{:.1f} s]\n",
                                 bpe.vocab_size, trainer.document_count(), static_cast<double>(trainer.byte_count()) / 1e6,
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    s.config.tokenizer = path.string();
  }
  s.comm->barrier();
  s.tokenizer = runtime::Tokenizer::from_tokenizer_json(s.config.tokenizer);
  s.end_of_document = end_of_document_id(s.tokenizer, s.config.tokenizer);
  s.model_config = model_config_of(s.config, s.tokenizer.vocab_size());
  check_trainable(s.model_config, s.config.path);
  ContentHash h;
  h.add_file(s.config.path).add_file(s.config.tokenizer);
  s.fingerprint = h.hex();

  for (std::size_t k = 0; k < s.config.sources.size(); ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    const SourceConfig& source = s.config.sources[k];
    if (source.format == "shards") {
      ShardSource shards = read_shard_source(source, s.options.corpus_dir, s.tokenizer, s.config.tokenizer,
                                             s.end_of_document, s.config.path);
      if (s.rank0) write_file_atomically((heldout_dir / (source.name + ".jsonl")).string(), shards.held_out_jsonl);
      if (!s.options.quiet)
        std::cerr << fmt::format("source {}: {} documents, {} tokens from shards ({} documents held out) [{:.1f} s]\n",
                                 source.name, shards.documents, shards.tokens.size(), shards.held_out_documents,
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      s.streams.emplace_back(source.name, std::move(shards.tokens), shards.documents);
      continue;
    }
    std::vector<std::int32_t> tokens;
    std::size_t bytes = 0;
    for (const std::string& d : training_docs[k]) {
      for (runtime::TokenId id : s.tokenizer.encode(d, false, false)) tokens.push_back(id);
      tokens.push_back(s.end_of_document);
      bytes += d.size();
    }
    const auto n_docs = static_cast<std::int64_t>(training_docs[k].size());
    if (!s.options.quiet)
      std::cerr << fmt::format("source {}: {} documents, {:.1f} MB, {} tokens ({:.2f} bytes/token) [{:.1f} s]\n",
                               s.config.sources[k].name, n_docs, static_cast<double>(bytes) / 1e6, tokens.size(),
                               static_cast<double>(bytes) / static_cast<double>(tokens.size()),
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    s.streams.emplace_back(s.config.sources[k].name, std::move(tokens), n_docs);
  }
}

Pretrainer::~Pretrainer() = default;

std::string Pretrainer::run(const std::function<void(const CheckpointEvent&)>& on_checkpoint) {
  State& s = *s_;
  const PretrainConfig& cfg = s.config;
  Communicator& comm = *s.comm;
  const int ranks = comm.size(), rank = comm.rank();
  runtime::ThreadPool pool(s.options.threads > 0 ? s.options.threads : runtime::default_thread_count());
  TrainableLlama model(s.model_config, cfg.micro_batch, cfg.seq_len, cfg.precision);
  // This rank's shard of the parameters for the optimizer (ZeRO-1): contiguous, about even.
  const std::int64_t n_params = model.params().size();
  std::vector<std::int64_t> shards(static_cast<std::size_t>(ranks) + 1);
  for (int r = 0; r <= ranks; ++r) shards[static_cast<std::size_t>(r)] = n_params * r / ranks;
  AdamW adamw(model.params(), cfg.adamw, shards[static_cast<std::size_t>(rank)], shards[static_cast<std::size_t>(rank) + 1]);
  SequencePacker packer(s.streams, s.end_of_document, cfg.seed);
  TokenBatch batch(cfg.micro_batch, cfg.seq_len);
  const fs::path ckpt_dir = fs::path(s.options.out_dir) / "checkpoints";
  const fs::path log_path = fs::path(s.options.out_dir) / "train_log.jsonl";
  fs::create_directories(ckpt_dir);

  // Checkpoints hold whole moments, so a run resumes on any number of processes.
  std::vector<float> full_m, full_v;
  auto load = [&](const std::string& dir) {
    const TrainerState st = read_checkpoint(dir, model.params(), full_m, full_v);
    std::copy(full_m.begin() + adamw.begin(), full_m.begin() + adamw.end(), adamw.m().begin());
    std::copy(full_v.begin() + adamw.begin(), full_v.begin() + adamw.end(), adamw.v().begin());
    return st;
  };

  TrainerState state;
  state.config_fingerprint = s.fingerprint;
  state.config_name = cfg.name;
  std::string last_checkpoint;
  if (s.options.resume) {
    if (const auto latest = latest_checkpoint(ckpt_dir.string())) {
      state = load(*latest);
      if (state.config_fingerprint != s.fingerprint)
        fail("{}: this checkpoint was trained with another config or tokenizer; resume it with the same files, or "
             "train into another --out", *latest);
      // The same data, or the positions mean nothing: every source, with its size.
      const std::string where = (fs::path(*latest) / "trainer_state.json").string();
      for (TokenStream& t : s.streams) {
        const auto p = std::find_if(state.streams.begin(), state.streams.end(),
                                    [&](const StreamPosition& sp) { return sp.source == t.name(); });
        if (p == state.streams.end()) fail("{}: source {} has no position (another config's data?)", where, t.name());
        if (p->size >= 0 && p->size != t.size())
          fail("{}: source {} had {} tokens and now has {}: the corpus changed (check --corpora-dir); resume over the "
               "same data, or train into another --out", where, t.name(), p->size, t.size());
        if (p->position < 0 || p->position >= t.size())
          fail("{}: source {}: position {} is outside its {} tokens", where, t.name(), p->position, t.size());
        t.seek(p->position, p->epoch);
      }
      last_checkpoint = *latest;
      if (!s.options.quiet) std::cerr << fmt::format("resuming from {} (step {})\n", *latest, state.step);
    } else if (!s.options.quiet) {
      std::cerr << "no checkpoint to resume from; starting afresh\n";
    }
  }
  if (state.step == 0) {
    init_parameters(model.params(), cfg.seed, static_cast<float>(cfg.model.init_std));
  }
  std::ofstream log;
  if (s.rank0) {
    truncate_log(log_path, state.step);
    log.open(log_path, std::ios::app);
  }
  if (ranks > 1 && !s.options.quiet)
    std::cerr << fmt::format("data parallel over {} processes: each runs {} of a step's {} micro-batches and updates "
                             "1/{} of the parameters\n", ranks, cfg.accumulation / ranks, cfg.accumulation, ranks);

  const std::int64_t total = cfg.total_steps();
  auto save = [&](const std::string& stage, bool final) {
    full_m.assign(static_cast<std::size_t>(n_params), 0.0f);
    full_v.assign(static_cast<std::size_t>(n_params), 0.0f);
    std::copy(adamw.m().begin(), adamw.m().end(), full_m.begin() + adamw.begin());
    std::copy(adamw.v().begin(), adamw.v().end(), full_v.begin() + adamw.begin());
    comm.allgather(full_m.data(), shards.data());
    comm.allgather(full_v.data(), shards.data());
    CheckpointContents c{&s.model_config, {-1, s.end_of_document}, &model.params(), &full_m, &full_v, state,
                         s.config.tokenizer};
    c.state.streams.clear();
    c.state.final = final;
    for (const TokenStream& t : s.streams) c.state.streams.push_back({t.name(), t.position(), t.epoch(), t.size()});
    last_checkpoint = (ckpt_dir / checkpoint_name(state.step)).string();
    if (s.rank0) {
      write_checkpoint(ckpt_dir.string(), c);
      if (cfg.keep_checkpoints > 0) {
        std::vector<fs::path> all;
        for (const auto& e : fs::directory_iterator(ckpt_dir))
          if (e.is_directory() && e.path().filename().string().starts_with("step-")) all.push_back(e.path());
        std::sort(all.begin(), all.end(), [](const fs::path& a, const fs::path& b) {
          return std::atoll(a.filename().c_str() + 5) < std::atoll(b.filename().c_str() + 5);
        });
        for (std::size_t i = 0; i + static_cast<std::size_t>(cfg.keep_checkpoints) < all.size(); ++i) fs::remove_all(all[i]);
      }
      if (on_checkpoint)
        on_checkpoint({state.step, total, last_checkpoint, stage, state.step * cfg.tokens_per_step(), final});
    }
    comm.barrier();
  };

  // The step's summed gradients: a micro-batch's gradients are computed from zero and added,
  // so one process and N ranks add the same terms (bit-identical for two micro-batches).
  const bool summing = cfg.accumulation > 1;
  std::vector<float> step_grads(summing ? static_cast<std::size_t>(n_params) : 0);
  const auto t_start = std::chrono::steady_clock::now();
  std::int64_t steps_this_run = 0;
  auto last_print = std::chrono::steady_clock::now() - std::chrono::seconds(10);
  while (state.step < total) {
    // Which stage this step is in, and its step within the stage.
    std::int64_t begin = 0;
    std::size_t si = 0;
    while (si + 1 < cfg.stages.size() && state.step >= begin + cfg.stage_steps(cfg.stages[si])) begin += cfg.stage_steps(cfg.stages[si++]);
    const StageConfig& stage = cfg.stages[si];
    LrSchedule schedule{stage.lr, cfg.stage_steps(stage), cfg.warmup_fraction, cfg.final_lr_fraction};
    const double lr = schedule.at(state.step - begin);

    const auto t0 = std::chrono::steady_clock::now();
    LossSum loss;
    bool first_of_mine = true;
    for (std::int64_t micro = 0; micro < cfg.accumulation; ++micro) {
      // Every rank packs every micro-batch, so that all streams move alike.
      const std::int64_t first_sequence = (state.step * cfg.accumulation + micro) * cfg.micro_batch;
      packer.fill(batch, stage.mixture, first_sequence);
      if (micro % ranks != rank) continue;
      model.zero_grads();
      const LossSum l = model.forward(batch, pool);
      loss.sum += l.sum;
      loss.targets += l.targets;
      model.backward(1.0f, pool);
      if (summing) {
        const float* g = model.grads().data();
        if (first_of_mine)
          std::copy(g, g + n_params, step_grads.begin());
        else
          for (std::int64_t i = 0; i < n_params; ++i) step_grads[static_cast<std::size_t>(i)] += g[i];
      }
      first_of_mine = false;
    }
    if (summing) {
      comm.allreduce_sum(step_grads.data(), n_params);
      std::copy(step_grads.begin(), step_grads.end(), model.grads().data());
    }
    double totals[2] = {loss.sum, static_cast<double>(loss.targets)};
    comm.allreduce_sum(totals, 2);
    loss.sum = totals[0];
    loss.targets = static_cast<std::int64_t>(totals[1]);
    // The step's loss is the mean over every target of its micro-batches.
    const float inv = 1.0f / static_cast<float>(std::max<std::int64_t>(1, loss.targets));
    float* g = model.grads().data();
    for (std::int64_t i = 0; i < model.grads().size(); ++i) g[i] *= inv;
    const double mean_loss = loss.sum / static_cast<double>(std::max<std::int64_t>(1, loss.targets));
    const double norm = global_grad_norm(model.grads(), &pool);
    ++state.step;
    ++steps_this_run;

    nlohmann::ordered_json entry{{"step", state.step}, {"stage", stage.name}, {"lr", lr}, {"loss", mean_loss},
                                 {"grad_norm", norm}, {"tokens", state.step * cfg.tokens_per_step()}};
    const bool finite = std::isfinite(mean_loss) && std::isfinite(norm);
    const bool spike = finite && cfg.spike_factor > 0.0 && state.loss_count >= 20 &&
                       mean_loss > cfg.spike_factor * state.loss_mean && !last_checkpoint.empty();
    if (!finite) {
      // Skip the update; the data window is consumed, so the next step sees new data.
      ++state.skipped_steps;
      entry["skipped"] = "non-finite loss or gradient";
      if (s.rank0) std::cerr << fmt::format("warning: step {}: non-finite loss or gradient; the step is skipped\n", state.step);
    } else if (loss.targets == 0) {
      // Nothing to learn from (every position masked): no update, and no 0 in the running mean.
      ++state.skipped_steps;
      entry["skipped"] = "no target in the step's sequences";
    } else if (spike) {
      // Back to the last checkpoint's weights and moments; the data streams stay where they
      // are, so the window that caused the spike is skipped.
      const TrainerState restored = load(last_checkpoint);
      state.updates = restored.updates;
      ++state.skipped_steps;
      entry["rolled_back_to"] = restored.step;
      if (s.rank0)
        std::cerr << fmt::format("warning: step {}: loss {:.4f} is over {} x its running mean {:.4f}; back to {} and past this data\n",
                                 state.step, mean_loss, cfg.spike_factor, state.loss_mean, last_checkpoint);
    } else {
      adamw.update(model.params(), model.grads(), static_cast<float>(lr), ++state.updates, clip_scale(norm, cfg.clip), &pool);
      // Each rank updated its shard; every rank needs all of them for the next forward pass.
      comm.allgather(model.params().data(), shards.data());
      // A running mean over about the last 50 steps.
      const double w = 1.0 / static_cast<double>(std::min<std::int64_t>(state.loss_count + 1, 50));
      state.loss_mean += (mean_loss - state.loss_mean) * w;
      ++state.loss_count;
    }
    const double step_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    entry["seconds"] = step_seconds;
    if (s.rank0) {
      log << entry.dump() << "\n";
      log.flush();
    }

    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - t_start).count();
    if (!s.options.quiet && (now - last_print > std::chrono::seconds(2) || state.step == total)) {
      last_print = now;
      const double tok_s = static_cast<double>(steps_this_run * cfg.tokens_per_step()) / elapsed;
      std::cerr << fmt::format("stage {}/{} {:<10} step {:>6}/{}  loss {:.4f}  lr {:.2e}  {:.0f} tok/s  ETA {}\n", si + 1,
                               cfg.stages.size(), stage.name, state.step, total, mean_loss, lr, tok_s,
                               format_duration(elapsed / static_cast<double>(steps_this_run) *
                                               static_cast<double>(total - state.step)));
    }
    const bool stage_end = state.step == begin + cfg.stage_steps(stage);
    if (state.step == total || (cfg.checkpoint_every > 0 && state.step % cfg.checkpoint_every == 0) || stage_end)
      save(stage.name, state.step == total);
    if (s.options.stop_after_step >= 0 && state.step >= s.options.stop_after_step) break;
  }
  return last_checkpoint;
}

}  // namespace sextant::trainer
