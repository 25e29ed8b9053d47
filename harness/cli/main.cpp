// Entry point of the sextant executable: dispatches to a subcommand and turns errors into exit codes.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "harness/cli/commands.hpp"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>&);
};

const Command kCommands[] = {
    {"bench", "prompt-processing and generation speed, peak memory", sextant::harness::bench_command},
    {"data", "prepare pretraining data: language id, quality filters, dedup, tokenizer, token shards",
     sextant::harness::data_command},
    {"eval", "score a model on benchmarks, per dataset and capability dimension", sextant::harness::eval_command},
    {"export", "a trained llama checkpoint as a GGUF file (f32, f16, q8_0) for sextant and llama.cpp",
     sextant::harness::export_command},
    {"generate", "continue a prompt, greedy or sampled", sextant::harness::generate_command},
    {"ls", "list the configured datasets, suites and models", sextant::harness::ls_command},
    {"logits", "next-token logits of a token sequence, as .npy", sextant::harness::logits_command},
    {"report", "JSON, CSV, Markdown and HTML leaderboards from result stores", sextant::harness::report_command},
    {"score", "log-probability of a continuation after a context", sextant::harness::score_command},
    {"serve", "live dashboard: the HTML report and a JSON API of runs, scores, progress",
     sextant::harness::serve_command},
    {"train", "pretrain a model in stages; checkpoints scored as they land", sextant::harness::train_command},
    {"tokenize", "text on stdin to token ids on stdout", sextant::harness::tokenize_command},
};

void print_usage() {
  std::printf(
      "usage: sextant <command> [options]\n\n"
      "Sextant evaluates language-model checkpoints on its own in-process runtime.\n\n"
      "commands:\n");
  for (const auto& c : kCommands) std::printf("  %-12s %s\n", c.name, c.summary);
  std::printf("\nRun 'sextant <command> --help' for the options of a command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage();
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage();
    return 0;
  }
  if (name == "--version") {
    std::printf("sextant 0.1.0\n");
    return 0;
  }
  for (const auto& c : kCommands) {
    if (name != c.name) continue;
    try {
      return c.run(std::vector<std::string>(argv + 2, argv + argc));
    } catch (const sextant::UsageError& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 2;
    } catch (const sextant::Error& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "error: unknown command '%s' (run 'sextant --help')\n", name.c_str());
  return 2;
}
