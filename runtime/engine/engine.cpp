// Request scheduling: contexts prefilled once through the prefix cache, then the tokens of
// many requests packed into each forward pass; only the logits that are needed are computed.
#include "runtime/engine/engine.hpp"

#include <algorithm>
#include <numeric>
#include <random>

#include "core/error.hpp"
#include "runtime/cpu/logit_stats.hpp"
#include "runtime/engine/sampler.hpp"
#include "runtime/model/transformer.hpp"

namespace sextant::runtime {

namespace {

// Prefixes shorter than this are recomputed rather than shared.
constexpr std::int64_t kMinSharedPrefix = 4;

}  // namespace

const char* finish_reason_name(FinishReason r) {
  switch (r) {
    case FinishReason::Stop: return "stop";
    case FinishReason::Length: return "length";
    case FinishReason::ContextFull: return "context_full";
  }
  return "?";
}

Engine::Engine(const Model& model, EngineOptions options)
    : model_(model),
      options_(options),
      pool_(options.threads > 0 ? options.threads : default_thread_count()),
      prefix_cache_(options.prefix_cache_bytes) {
  if (options_.max_batch_tokens < 1) fail("max batch tokens must be at least 1");
}

std::shared_ptr<KvCache> Engine::prefill(const std::vector<TokenId>& tokens, bool remember) {
  const ModelConfig& c = model_.config();
  std::shared_ptr<KvCache> cache;
  PrefixCache::Hit hit;
  if (options_.use_prefix_cache) hit = prefix_cache_.lookup(tokens);
  if (hit.cache && hit.length >= kMinSharedPrefix) {
    cache = KvCache::prefix_of(hit.cache, hit.length);
    stats_.tokens_from_cache += cache->length();
  } else {
    cache = std::make_shared<KvCache>(c);
  }
  std::vector<float> logits;
  for (std::int64_t pos = cache->length(); pos < static_cast<std::int64_t>(tokens.size());) {
    ForwardBatch batch;
    for (; pos < static_cast<std::int64_t>(tokens.size()) && static_cast<std::int64_t>(batch.size()) < options_.max_batch_tokens; ++pos)
      batch.add(tokens[static_cast<std::size_t>(pos)], static_cast<std::int32_t>(pos), cache.get(), false);
    forward(model_, batch, logits, pool_);
    ++stats_.forward_passes;
    stats_.tokens_computed += static_cast<std::int64_t>(batch.size());
  }
  if (remember && options_.use_prefix_cache && cache->length() > (hit.cache ? hit.length : 0))
    prefix_cache_.insert(tokens, cache);
  return cache;
}

std::vector<std::shared_ptr<KvCache>> Engine::prefill_many(const std::vector<std::vector<TokenId>>& heads) {
  const ModelConfig& c = model_.config();
  std::vector<std::shared_ptr<KvCache>> caches(heads.size());
  struct Job {
    std::size_t head;
    std::int64_t cached;  // positions the cache already had
  };
  std::vector<Job> jobs;
  std::int64_t pending_tokens = 0;
  std::vector<float> logits;
  // Runs the pending sequences together: their tokens packed into forward passes in order,
  // each sequence's positions ascending, then each stored in the prefix cache.
  auto run = [&] {
    ForwardBatch batch;
    auto pass = [&] {
      if (batch.size() == 0) return;
      forward(model_, batch, logits, pool_);
      ++stats_.forward_passes;
      stats_.tokens_computed += static_cast<std::int64_t>(batch.size());
      batch = ForwardBatch{};
    };
    for (const Job& job : jobs) {
      const auto& tokens = heads[job.head];
      for (std::int64_t pos = job.cached; pos < static_cast<std::int64_t>(tokens.size()); ++pos) {
        batch.add(tokens[static_cast<std::size_t>(pos)], static_cast<std::int32_t>(pos), caches[job.head].get(), false);
        if (static_cast<std::int64_t>(batch.size()) >= options_.max_batch_tokens) pass();
      }
    }
    pass();
    for (const Job& job : jobs)
      if (options_.use_prefix_cache && caches[job.head]->length() > job.cached) prefix_cache_.insert(heads[job.head], caches[job.head]);
    jobs.clear();
    pending_tokens = 0;
  };
  for (std::size_t i = 0; i < heads.size(); ++i) {
    // A head sharing a prefix with the previous one waits until that one is cached, so the
    // shared part is computed once.
    if (i > 0 && !jobs.empty()) {
      std::size_t lcp = 0;
      const auto& a = heads[i];
      const auto& b = heads[i - 1];
      while (lcp < a.size() && lcp < b.size() && a[lcp] == b[lcp]) ++lcp;
      if (static_cast<std::int64_t>(lcp) >= kMinSharedPrefix) run();
    }
    PrefixCache::Hit hit;
    if (options_.use_prefix_cache) hit = prefix_cache_.lookup(heads[i]);
    if (hit.cache && hit.length >= kMinSharedPrefix) {
      caches[i] = KvCache::prefix_of(hit.cache, hit.length);
      stats_.tokens_from_cache += caches[i]->length();
    } else {
      caches[i] = std::make_shared<KvCache>(c);
    }
    jobs.push_back({i, caches[i]->length()});
    pending_tokens += static_cast<std::int64_t>(heads[i].size()) - caches[i]->length();
    if (pending_tokens >= 4 * options_.max_batch_tokens) run();
  }
  run();
  return caches;
}

std::vector<ScoreResult> Engine::score(const std::vector<ScoreRequest>& requests) {
  const ModelConfig& c = model_.config();
  std::vector<ScoreResult> results(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    if (r.context.empty()) fail("score request {}: the context is empty (give at least a BOS token)", i);
    if (r.continuation.empty()) fail("score request {}: the continuation is empty", i);
    // The last continuation token is only predicted, never run.
    if (static_cast<std::int64_t>(r.context.size() + r.continuation.size()) - 1 > c.context_length)
      fail("score request {}: {} tokens exceed the model's context of {}", i, r.context.size() + r.continuation.size() - 1,
           c.context_length);
  }
  // Requests sharing a context sit together, longest first; each context is prefilled once
  // (all but its last token, which is run with the continuation to give its first logits).
  std::vector<std::size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return requests[a].context > requests[b].context;
  });

  struct Pending {
    std::size_t request;
    std::shared_ptr<KvCache> cache;
  };
  std::vector<Pending> pending;
  std::int64_t pending_tokens = 0;
  std::vector<float> logits;

  auto flush = [&] {
    if (pending.empty()) return;
    ForwardBatch batch;
    for (const Pending& p : pending) {
      const auto& r = requests[p.request];
      const std::int32_t start = static_cast<std::int32_t>(r.context.size()) - 1;
      batch.add(r.context.back(), start, p.cache.get(), true);
      for (std::size_t j = 0; j + 1 < r.continuation.size(); ++j)
        batch.add(r.continuation[j], start + 1 + static_cast<std::int32_t>(j), p.cache.get(), true);
    }
    forward(model_, batch, logits, pool_);
    ++stats_.forward_passes;
    stats_.tokens_computed += static_cast<std::int64_t>(batch.size());
    // Each row's normaliser and greedy token (rows in parallel), then the requests' sums in order.
    std::vector<LogitStats> row_stats(batch.size());
    pool_.parallel_for(static_cast<std::int64_t>(row_stats.size()),
                       [&](std::int64_t row) { row_stats[static_cast<std::size_t>(row)] = logit_stats(logits.data() + row * c.n_vocab, c.n_vocab); });
    std::size_t row = 0;
    for (const Pending& p : pending) {
      const auto& r = requests[p.request];
      ScoreResult& out = results[p.request];
      out.is_greedy = true;
      for (std::size_t j = 0; j < r.continuation.size(); ++j, ++row) {
        const TokenId token = r.continuation[j];
        const double lp = static_cast<double>(logits[row * static_cast<std::size_t>(c.n_vocab) + static_cast<std::size_t>(token)]) -
                          row_stats[row].log_sum_exp;
        out.token_logprobs.push_back(static_cast<float>(lp));
        out.logprob += lp;
        if (row_stats[row].argmax != token) out.is_greedy = false;
      }
    }
    pending.clear();
    pending_tokens = 0;
  };

  // Every distinct context is prefilled (all but its last token), many sequences per pass.
  std::vector<std::vector<TokenId>> heads;
  std::vector<std::size_t> head_of(requests.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto& ctx = requests[order[k]].context;
    if (k == 0 || requests[order[k - 1]].context != ctx) heads.emplace_back(ctx.begin(), ctx.end() - 1);
    head_of[order[k]] = heads.size() - 1;
  }
  const auto head_caches = prefill_many(heads);

  for (std::size_t idx : order) {
    const auto& r = requests[idx];
    const std::int64_t n = static_cast<std::int64_t>(r.continuation.size());
    if (pending_tokens + n > options_.max_batch_tokens) flush();
    pending.push_back({idx, std::make_shared<KvCache>(head_caches[head_of[idx]], static_cast<std::int64_t>(r.context.size()) - 1)});
    pending_tokens += n;
  }
  flush();
  return results;
}

std::vector<RollingResult> Engine::rolling(const std::vector<RollingRequest>& requests) {
  // Windows as lm-evaluation-harness makes them: the first predicts up to max_len tokens
  // from the prefix token; each later one predicts the next tokens with the max_len - 1
  // tokens before them as context. Every window is a score request.
  std::vector<ScoreRequest> windows;
  std::vector<std::size_t> owner;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const std::int64_t max_len = requests[i].max_length > 0 ? std::min(requests[i].max_length, model_.config().context_length)
                                                            : model_.config().context_length;
    TokenId prefix = requests[i].prefix_token;
    auto first = requests[i].tokens.begin();
    if (prefix < 0) {  // the first token is context only
      if (first == requests[i].tokens.end()) continue;
      prefix = *first++;
    }
    const std::vector<TokenId> t(first, requests[i].tokens.end());
    const std::int64_t n = static_cast<std::int64_t>(t.size());
    if (n == 0) continue;
    std::int64_t predicted = std::min(max_len, n);
    windows.push_back({{prefix}, std::vector<TokenId>(t.begin(), t.begin() + predicted)});
    owner.push_back(i);
    while (predicted < n) {
      const std::int64_t end = predicted + std::min(n - predicted, max_len);
      windows.push_back({std::vector<TokenId>(t.begin() + (end - max_len - 1), t.begin() + predicted),
                         std::vector<TokenId>(t.begin() + predicted, t.begin() + end)});
      owner.push_back(i);
      predicted = end;
    }
  }
  const auto scored = score(windows);
  std::vector<RollingResult> results(requests.size());
  for (std::size_t k = 0; k < windows.size(); ++k) {
    results[owner[k]].logprob += scored[k].logprob;
    results[owner[k]].scored_tokens += static_cast<std::int64_t>(windows[k].continuation.size());
  }
  return results;
}

std::vector<GenerateResult> Engine::generate(const std::vector<GenerateRequest>& requests) {
  const ModelConfig& c = model_.config();
  const Tokenizer& tok = model_.tokenizer();
  struct Sequence {
    std::size_t request;
    int sample;
    std::shared_ptr<KvCache> cache;
    std::int32_t pos;  // position of `next`
    TokenId next;      // token to run next
    std::string text;
    std::vector<TokenId> tokens;
    std::mt19937_64 rng;
    bool done = false;
    FinishReason finish = FinishReason::Length;
  };
  std::vector<GenerateResult> results(requests.size());
  std::vector<Sequence> seqs;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    if (r.prompt.empty()) fail("generate request {}: the prompt is empty", i);
    if (static_cast<std::int64_t>(r.prompt.size()) >= c.context_length)
      fail("generate request {}: the prompt's {} tokens fill the model's context of {}", i, r.prompt.size(), c.context_length);
    if (r.n < 1) fail("generate request {}: n must be at least 1", i);
    results[i].samples.resize(static_cast<std::size_t>(r.n));
    const std::vector<TokenId> head(r.prompt.begin(), r.prompt.end() - 1);
    auto base = head.empty() ? std::make_shared<KvCache>(c) : prefill(head, true);
    for (int s = 0; s < r.n; ++s) {
      Sequence q;
      q.request = i;
      q.sample = s;
      q.cache = std::make_shared<KvCache>(base, static_cast<std::int64_t>(head.size()));
      q.pos = static_cast<std::int32_t>(head.size());
      q.next = r.prompt.back();
      q.rng.seed(r.sampling.seed + static_cast<std::uint64_t>(s));
      if (r.max_tokens <= 0) q.done = true;
      seqs.push_back(std::move(q));
    }
  }

  std::vector<float> logits;
  for (;;) {
    std::vector<Sequence*> active;
    for (auto& q : seqs)
      if (!q.done) active.push_back(&q);
    if (active.empty()) break;
    for (std::size_t start = 0; start < active.size(); start += static_cast<std::size_t>(options_.max_batch_tokens)) {
      const std::size_t stop = std::min(active.size(), start + static_cast<std::size_t>(options_.max_batch_tokens));
      ForwardBatch batch;
      for (std::size_t k = start; k < stop; ++k) batch.add(active[k]->next, active[k]->pos, active[k]->cache.get(), true);
      forward(model_, batch, logits, pool_);
      ++stats_.forward_passes;
      stats_.tokens_computed += static_cast<std::int64_t>(batch.size());
      for (std::size_t k = start; k < stop; ++k) {
        Sequence& q = *active[k];
        const GenerateRequest& r = requests[q.request];
        const TokenId t = sample_token(logits.data() + static_cast<std::int64_t>(k - start) * c.n_vocab, c.n_vocab, r.sampling, q.rng);
        ++q.pos;
        const auto& stops = tok.stop_ids();
        if (std::find(stops.begin(), stops.end(), t) != stops.end()) {
          q.done = true;
          q.finish = FinishReason::Stop;
          continue;
        }
        q.tokens.push_back(t);
        q.text += tok.token_bytes(t, false);
        q.next = t;
        for (const std::string& s : r.stop) {
          const auto at = s.empty() ? std::string::npos : q.text.find(s);
          if (at != std::string::npos) {
            q.text.resize(at);
            q.done = true;
            q.finish = FinishReason::Stop;
            break;
          }
        }
        if (q.done) continue;
        if (static_cast<int>(q.tokens.size()) >= r.max_tokens) {
          q.done = true;
          q.finish = FinishReason::Length;
        } else if (q.pos >= c.context_length) {
          q.done = true;
          q.finish = FinishReason::ContextFull;
        }
      }
    }
  }
  for (auto& q : seqs) {
    Generation& g = results[q.request].samples[static_cast<std::size_t>(q.sample)];
    g.text = std::move(q.text);
    g.tokens = std::move(q.tokens);
    g.finish = q.finish;
  }
  return results;
}

}  // namespace sextant::runtime
