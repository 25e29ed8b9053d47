// The shared engine: callers on several threads get exactly the results the engine gives
// each alone, while their calls are merged into fewer engine batches.
#include "runtime/engine/shared_engine.hpp"

#include <catch2/catch.hpp>
#include <thread>

#include "tests/test_paths.hpp"

using namespace sextant::runtime;

TEST_CASE("concurrent callers of a shared engine get the results of the engine alone", "[runtime][engine][model]") {
  SEXTANT_REQUIRE_MODEL(path);
  const auto model = Model::load(path);
  Engine engine(*model, {.threads = 2});
  const Tokenizer& tok = model->tokenizer();
  std::vector<std::vector<ScoreRequest>> calls;
  const char* contexts[] = {"The capital of France is", "One, two, three,", "Water boils at",  "The sun rises in the",
                            "My favourite colour is",   "Cats and",         "In 1969, humans", "The quick brown fox"};
  for (const char* c : contexts)
    calls.push_back({{tok.encode(c, false, false), tok.encode(" Paris and more", false, false)}});
  std::vector<std::vector<ScoreResult>> alone;
  for (const auto& c : calls) alone.push_back(engine.score(c));

  SharedEngine shared(engine);
  std::vector<std::vector<ScoreResult>> together(calls.size());
  std::vector<GenerateResult> generated(calls.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < calls.size(); ++i)
    threads.emplace_back([&, i] {
      together[i] = shared.score(calls[i]);
      GenerateRequest g;
      g.prompt = calls[i][0].context;
      g.max_tokens = 4;
      generated[i] = shared.generate({g})[0];
    });
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    REQUIRE(together[i].size() == 1);
    CHECK(together[i][0].logprob == alone[i][0].logprob);  // bit for bit
    CHECK(together[i][0].is_greedy == alone[i][0].is_greedy);
    GenerateRequest g;
    g.prompt = calls[i][0].context;
    g.max_tokens = 4;
    CHECK(generated[i].samples[0].tokens == engine.generate({g})[0].samples[0].tokens);
  }
  CHECK(shared.caller_calls() == 16);
  // A bad request fails only its own caller.
  std::vector<ScoreRequest> bad{{{}, tok.encode(" x", false, false)}};
  CHECK_THROWS(shared.score(bad));
  CHECK(shared.score(calls[0])[0].logprob == alone[0][0].logprob);
}
