// `sextant score`: the log-probability of a continuation after a context.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "runtime/engine/engine.hpp"

namespace sextant::harness {

int score_command(const std::vector<std::string>& argv) {
  Arguments args("score", "Prints the log-probability of --continuation following --context, and whether it is the greedy continuation.");
  args.option("model", "FILE", "model file (.gguf)")
      .option("context", "TEXT", "text before the continuation")
      .option("continuation", "TEXT", "text whose log-probability is computed")
      .option("threads", "N", "threads to use (default: all cores)")
      .flag("bos", "put the beginning-of-sequence token before the context")
      .flag("json", "print the result as JSON");
  if (!args.parse(argv)) return 0;

  const auto model = runtime::Model::load(args.get("model"));
  runtime::EngineOptions options;
  if (args.has("threads")) options.threads = static_cast<int>(args.get_int("threads"));
  runtime::Engine engine(*model, options);
  const auto& tok = model->tokenizer();

  // The continuation's tokens are those of context + continuation after the context's own,
  // so a word boundary is tokenized as the model saw it in training.
  const std::string context = args.get("context"), continuation = args.get("continuation");
  const bool bos = args.flag_set("bos") || tok.adds_bos();
  auto whole = tok.encode(context + continuation, bos, false);
  auto ctx = tok.encode(context, bos, false);
  std::size_t common = 0;
  while (common < ctx.size() && common < whole.size() && ctx[common] == whole[common]) ++common;
  runtime::ScoreRequest req;
  req.context.assign(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(common));
  req.continuation.assign(whole.begin() + static_cast<std::ptrdiff_t>(common), whole.end());
  if (req.context.empty()) {
    if (tok.bos() < 0) throw Error("score: the context is empty and the model has no BOS token to stand in for it");
    req.context.push_back(tok.bos());
  }
  if (req.continuation.empty()) throw UsageError("score: the continuation is empty");
  const auto result = engine.score({req}).front();

  if (args.flag_set("json")) {
    nlohmann::json j{{"logprob", result.logprob},
                     {"is_greedy", result.is_greedy},
                     {"tokens", req.continuation.size()},
                     {"token_ids", req.continuation},
                     {"token_logprobs", result.token_logprobs}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << fmt::format("logprob {:.6f}  greedy {}  tokens {}\n", result.logprob, result.is_greedy ? "yes" : "no",
                             req.continuation.size());
  }
  return 0;
}

}  // namespace sextant::harness
