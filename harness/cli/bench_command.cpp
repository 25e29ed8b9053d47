// `sextant bench`: prompt-processing and generation speed in tokens/s, and peak memory, as llama-bench measures them.
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/gemm.hpp"
#include "runtime/model/transformer.hpp"

namespace sextant::harness {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

}  // namespace

int bench_command(const std::vector<std::string>& argv) {
  Arguments args("bench",
                 "Measures prompt processing (one batch of --prompt-tokens) and generation (--gen-tokens, one token per "
                 "step) in tokens/s over random tokens, and the process's peak memory.");
  args.option("model", "FILE", "model file (.gguf)")
      .option("prompt-tokens", "N", "tokens in the prompt-processing test; 0 skips it", "512")
      .option("gen-tokens", "N", "tokens in the generation test; 0 skips it", "128")
      .option("repetitions", "N", "runs of each test; the median is reported", "3")
      .option("threads", "N", "threads to use (default: all cores)")
      .flag("json", "print the results as JSON");
  if (!args.parse(argv)) return 0;

  const auto model = runtime::Model::load(args.get("model"));
  const auto& c = model->config();
  const int threads = args.has("threads") ? static_cast<int>(args.get_int("threads")) : runtime::default_thread_count();
  runtime::ThreadPool pool(threads);
  const std::int64_t n_prompt = args.get_int("prompt-tokens"), n_gen = args.get_int("gen-tokens");
  const int reps = std::max<int>(1, static_cast<int>(args.get_int("repetitions")));
  if (n_prompt + n_gen > c.context_length) throw UsageError("bench: prompt and generation tokens exceed the model's context");

  std::mt19937 rng(42);
  std::uniform_int_distribution<runtime::TokenId> any_token(0, static_cast<runtime::TokenId>(c.n_vocab - 1));
  std::vector<float> logits;
  std::vector<double> pp, tg;
  double kv_mb = 0.0;
  for (int r = 0; r < reps + 1; ++r) {  // the first run warms caches and is not counted
    runtime::KvCache cache(c);
    if (n_prompt > 0) {
      runtime::ForwardBatch batch;
      for (std::int64_t i = 0; i < n_prompt; ++i) batch.add(any_token(rng), static_cast<std::int32_t>(i), &cache, i + 1 == n_prompt);
      const auto t0 = std::chrono::steady_clock::now();
      runtime::forward(*model, batch, logits, pool);
      if (r > 0) pp.push_back(static_cast<double>(n_prompt) / seconds_since(t0));
      kv_mb = std::max(kv_mb, static_cast<double>(cache.bytes()) / (1024.0 * 1024.0));
    }
    if (n_gen > 0) {
      runtime::KvCache gen_cache(c);
      runtime::TokenId token = any_token(rng);
      const auto t0 = std::chrono::steady_clock::now();
      for (std::int64_t i = 0; i < n_gen; ++i) {
        runtime::ForwardBatch batch;
        batch.add(token, static_cast<std::int32_t>(i), &gen_cache, true);
        runtime::forward(*model, batch, logits, pool);
        token = static_cast<runtime::TokenId>(std::max_element(logits.begin(), logits.end()) - logits.begin());
      }
      if (r > 0) tg.push_back(static_cast<double>(n_gen) / seconds_since(t0));
      kv_mb = std::max(kv_mb, static_cast<double>(gen_cache.bytes()) / (1024.0 * 1024.0));
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  const double model_mb = static_cast<double>(model->weight_bytes()) / (1024.0 * 1024.0);
  const char* isa = runtime::best_gemm_kernels().isa;

  if (args.flag_set("json")) {
    nlohmann::json j{{"model", model->path()}, {"threads", threads}, {"kernels", isa}, {"peak_rss_mb", peak_mb}, {"kv_cache_mb", kv_mb},
                     {"weights_mb", model_mb}};
    if (n_prompt > 0) j["pp"] = {{"tokens", n_prompt}, {"tokens_per_s", median(pp)}, {"runs", pp}};
    if (n_gen > 0) j["tg"] = {{"tokens", n_gen}, {"tokens_per_s", median(tg)}, {"runs", tg}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << fmt::format("model {} ({:.0f} MiB of weights), {} threads, {} kernels\n", model->path(), model_mb, threads, isa);
    if (n_prompt > 0) std::cout << fmt::format("pp{:<6} {:10.1f} tokens/s  (median of {})\n", n_prompt, median(pp), reps);
    if (n_gen > 0) std::cout << fmt::format("tg{:<6} {:10.1f} tokens/s  (median of {})\n", n_gen, median(tg), reps);
    std::cout << fmt::format("peak memory {:.0f} MiB (KV cache {:.0f} MiB)\n", peak_mb, kv_mb);
  }
  return 0;
}

}  // namespace sextant::harness
