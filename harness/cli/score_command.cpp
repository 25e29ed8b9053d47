// `sextant score`: the log-probability of a continuation after a context.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/model_options.hpp"
#include "harness/eval/score_request.hpp"
#include "runtime/engine/engine.hpp"

namespace sextant::harness {

int score_command(const std::vector<std::string>& argv) {
  Arguments args("score", "Prints the log-probability of --continuation following --context, and whether it is the greedy continuation.");
  add_model_options(args);
  args.option("context", "TEXT", "text before the continuation")
      .option("continuation", "TEXT", "text whose log-probability is computed")
      .flag("bos", "put the beginning-of-sequence token before the context")
      .flag("json", "print the result as JSON");
  if (!args.parse(argv)) return 0;

  const LoadedModel loaded = load_model(args);
  const auto& tok = loaded.model->tokenizer();
  const std::string continuation = args.get("continuation");
  if (continuation.empty()) throw UsageError("score: the continuation is empty");
  const runtime::ScoreRequest req =
      make_score_request(tok, args.get("context"), continuation, args.flag_set("bos") || tok.adds_bos());
  const auto result = loaded.engine->score({req}).front();

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
