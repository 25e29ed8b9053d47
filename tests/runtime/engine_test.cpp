// The engine on the real model: results independent of batching, prefix caching and threads.
#include "runtime/engine/engine.hpp"

#include <catch2/catch.hpp>

#include "tests/test_paths.hpp"

using namespace sextant::runtime;

namespace {

std::vector<ScoreRequest> mixed_requests(const Tokenizer& tok) {
  const char* contexts[] = {
      "Question: What is the capital of France?\nAnswer:",
      "The quick brown fox jumps over the lazy",
      "def add(a, b):\n    return",
      "Once upon a time, in a small village by the sea, there lived",
      "中文：今天天气",
      "1, 2, 3, 4, 5,",
      "The chemical symbol for gold is",
      "In 1969, the first humans landed on the",
  };
  const char* options[] = {" Paris", " London", " dog", " a + b", " an old fisherman", " 6", " Au", " Moon"};
  std::vector<ScoreRequest> reqs;
  for (const char* c : contexts)
    for (const char* o : options) reqs.push_back({tok.encode(c, false, false), tok.encode(o, false, false)});
  return reqs;  // 64 requests, 8 per shared context
}

}  // namespace

TEST_CASE("score results are bit-identical alone, batched, cached and across thread counts",
          "[runtime][engine][model]") {
  SEXTANT_REQUIRE_MODEL(path);
  const auto model = Model::load(path);
  const auto reqs = mixed_requests(model->tokenizer());

  Engine batched(*model,
                 {.threads = 2, .max_batch_tokens = 512, .prefix_cache_bytes = 1ull << 30, .use_prefix_cache = true});
  const auto all = batched.score(reqs);
  const auto computed_first = batched.stats().tokens_computed;
  const auto again = batched.score(reqs);  // the contexts now come from the prefix cache
  REQUIRE(batched.stats().tokens_from_cache > 0);
  REQUIRE(batched.stats().tokens_computed - computed_first < computed_first);

  Engine single(*model, {.threads = 1, .max_batch_tokens = 3, .prefix_cache_bytes = 0, .use_prefix_cache = false});
  for (std::size_t i = 0; i < reqs.size(); i += 9) {
    INFO("request " << i);
    const auto alone = single.score({reqs[i]}).front();
    CHECK(alone.logprob == all[i].logprob);
    CHECK(alone.token_logprobs == all[i].token_logprobs);
    CHECK(alone.is_greedy == all[i].is_greedy);
    CHECK(again[i].logprob == all[i].logprob);
  }
  // Sanity that the numbers mean something: the right answer beats a wrong one.
  CHECK(all[0].logprob > all[1].logprob);  // Paris vs London after "capital of France"
}

TEST_CASE("greedy generation is identical alone and beside other requests", "[runtime][engine][model]") {
  SEXTANT_REQUIRE_MODEL(path);
  const auto model = Model::load(path);
  const auto& tok = model->tokenizer();
  GenerateRequest target{tok.encode("The three primary colors are", false, false), 16, {}, {}, 1};
  std::vector<GenerateRequest> crowd{target};
  for (const char* p : {"Write a haiku about the sea.", "2 + 2 =", "def fib(n):"})
    crowd.push_back({tok.encode(p, false, false), 12, {}, {0.8f, 40, 0.95f, 5}, 2});

  Engine a(*model, {.threads = 1, .max_batch_tokens = 512, .prefix_cache_bytes = 0, .use_prefix_cache = false});
  Engine b(*model, {.threads = 2, .max_batch_tokens = 64, .prefix_cache_bytes = 1ull << 28, .use_prefix_cache = true});
  const auto alone = a.generate({target}).front().samples.front();
  const auto together = b.generate(crowd);
  CHECK(together.front().samples.front().tokens == alone.tokens);
  CHECK(together.front().samples.front().text == alone.text);
  CHECK(alone.tokens.size() == 16);
  // Seeded sampling is reproducible too.
  const auto sampled_again = a.generate({crowd[1]}).front();
  CHECK(sampled_again.samples[0].tokens == together[1].samples[0].tokens);
  CHECK(sampled_again.samples[1].tokens == together[1].samples[1].tokens);
}

TEST_CASE("rolling log-likelihood equals the sum over its windows", "[runtime][engine][model]") {
  SEXTANT_REQUIRE_MODEL(path);
  const auto model = Model::load(path);
  const auto& tok = model->tokenizer();
  const auto tokens =
      tok.encode("It was the best of times, it was the worst of times, it was the age of wisdom.", false, false);
  Engine engine(*model, {.threads = 2});
  const auto whole = engine.rolling({{tokens, tok.eos(), 0}}).front();
  CHECK(whole.scored_tokens == static_cast<std::int64_t>(tokens.size()));
  // With windows of 8 tokens the text is scored in pieces; each window sees less context.
  const auto windowed = engine.rolling({{tokens, tok.eos(), 8}}).front();
  CHECK(windowed.scored_tokens == whole.scored_tokens);
  CHECK(windowed.logprob < whole.logprob);
  const auto direct = engine.score({{{tok.eos()}, tokens}}).front();
  CHECK(direct.logprob == whole.logprob);
}

TEST_CASE("the prefix cache's budget counts the bases its entries keep alive", "[runtime][engine]") {
  // A base of 100 positions and a child of 10 on it: the child alone owns 10 positions'
  // bytes but holds all 110 in memory.
  auto base = std::make_shared<KvCache>(2, 8, KvType::F16);
  base->reserve(100);
  base->set_length(100);
  auto child = std::make_shared<KvCache>(base, 100);
  child->reserve(110);
  child->set_length(110);
  CHECK(child->footprint_bytes() == base->bytes() + child->bytes());
  // A budget that fits the child's own bytes but not what it keeps alive: nothing is cached.
  PrefixCache cache(child->bytes() + 1);
  cache.insert(std::vector<TokenId>(110, 1), child);
  CHECK(cache.entries() == 0);
  PrefixCache roomy(child->footprint_bytes());
  roomy.insert(std::vector<TokenId>(110, 1), child);
  CHECK(roomy.entries() == 1);
  CHECK(roomy.bytes() == child->footprint_bytes());
}
