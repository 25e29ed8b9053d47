// `sextant generate`: text continued from a prompt, greedy or sampled.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/model_options.hpp"
#include "runtime/engine/engine.hpp"
#include "runtime/model/chat_template.hpp"

namespace sextant::harness {

int generate_command(const std::vector<std::string>& argv) {
  Arguments args("generate", "Continues --prompt with the model and prints the generated text.");
  add_model_options(args);
  args.option("prompt", "TEXT", "the prompt")
      .option("max-tokens", "N", "most tokens to generate", "128")
      .option("temperature", "T", "sampling temperature; 0 is greedy", "0")
      .option("top-k", "K", "sample among the K most likely tokens; 0 is off", "0")
      .option("top-p", "P", "sample within the smallest set of probability P; 1 is off", "1")
      .option("seed", "N", "random seed for sampling", "0")
      .option("n", "N", "number of independent samples", "1")
      .option("stop", "TEXT", "stop before this text (may be given once)")
      .flag("chat", "wrap the prompt as a user message in the model's chat template")
      .flag("json", "print the result as JSON");
  if (!args.parse(argv)) return 0;

  const LoadedModel loaded = load_model(args);
  const runtime::Model& model = *loaded.model;
  runtime::Engine& engine = *loaded.engine;
  const auto& tok = model.tokenizer();

  std::string prompt = args.get("prompt");
  bool parse_special = false;
  if (args.flag_set("chat")) {
    const auto tmpl = runtime::chat_template_for(model);
    prompt = runtime::render_chat(tmpl, {{"user", prompt}}, true);
    parse_special = true;
  }
  runtime::GenerateRequest req;
  req.prompt = tok.encode(prompt, tok.adds_bos(), parse_special);
  req.max_tokens = static_cast<int>(args.get_int("max-tokens"));
  req.sampling.temperature = static_cast<float>(args.get_double("temperature"));
  req.sampling.top_k = static_cast<int>(args.get_int("top-k"));
  req.sampling.top_p = static_cast<float>(args.get_double("top-p"));
  req.sampling.seed = static_cast<std::uint64_t>(args.get_int("seed"));
  req.n = static_cast<int>(args.get_int("n"));
  if (args.has("stop")) req.stop.push_back(args.get("stop"));

  const auto t0 = std::chrono::steady_clock::now();
  const auto result = engine.generate({req}).front();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (args.flag_set("json")) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& g : result.samples)
      samples.push_back({{"text", g.text}, {"finish_reason", runtime::finish_reason_name(g.finish)}, {"tokens", g.tokens.size()}});
    nlohmann::json j{{"prompt_tokens", req.prompt.size()}, {"samples", samples}, {"seconds", seconds}};
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    for (std::size_t i = 0; i < result.samples.size(); ++i) {
      if (result.samples.size() > 1) std::cout << fmt::format("--- sample {}\n", i);
      std::cout << result.samples[i].text << "\n";
    }
    std::size_t total = 0;
    for (const auto& g : result.samples) total += g.tokens.size();
    std::cerr << fmt::format("[{} prompt tokens, {} generated in {:.2f} s, finish: {}]\n", req.prompt.size(), total, seconds,
                             runtime::finish_reason_name(result.samples.front().finish));
  }
  return 0;
}

}  // namespace sextant::harness
