// `sextant train`: pretraining from a config, with checkpoints scored by the harness as they land.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "trainer/checkpoint/training_checkpoint.hpp"
#include "trainer/pretrain/pretrainer.hpp"

namespace sextant::harness {

namespace {

std::string default_corpora_dir() {
  if (const char* env = std::getenv("SEXTANT_CORPORA_DIR")) return env;
  return "corpora";
}

}  // namespace

int train_command(const std::vector<std::string>& argv) {
  Arguments args("train",
                 "Pretrains a Llama-style model from a config (configs/train/*.json): sources packed into sequences "
                 "in each stage's mixture, AdamW with warm-up and cosine decay, checkpoints in Hugging Face layout "
                 "that `sextant eval` loads as they are. With an \"eval\" section in the config, each checkpoint is "
                 "scored between steps and stored with its step, so reports show scores against steps." +
                     std::string(trainer::mpi_available()
                                     ? " Under `mpirun -np N` it trains data-parallel: each process runs 1/N of a step's "
                                       "micro-batches (batch.accumulation) and updates 1/N of the parameters (ZeRO-1)."
                                     : ""));
  args.option("config", "FILE", "the training config (.json)")
      .option("out", "DIR", "where checkpoints/, heldout/, train_log.jsonl and the result store go", "runs/train")
      .option("corpora-dir", "DIR", "the folder the sources' files are relative to (or $SEXTANT_CORPORA_DIR)",
              default_corpora_dir())
      .option("data-dir", "DIR", "benchmark files for the checkpoint evaluations (or $SEXTANT_DATA_DIR)",
              std::getenv("SEXTANT_DATA_DIR") ? std::getenv("SEXTANT_DATA_DIR") : "data")
      .option("threads", "N", "threads to use (default: all cores)")
      .flag("resume", "continue from the newest checkpoint in --out (the losses repeat those of an uninterrupted run)")
      .flag("no-eval", "do not score the checkpoints");
  if (!args.parse(argv)) return 0;
  if (!args.has("config")) throw UsageError("train: --config is required (e.g. configs/train/tiny-staged.json)");

  trainer::PretrainConfig config = trainer::read_pretrain_config(args.get("config"));
  // Under mpirun: data parallel over the ranks; rank 0 writes, logs and evaluates.
  const std::unique_ptr<trainer::Communicator> comm = trainer::world_communicator();
  trainer::PretrainOptions options;
  options.comm = comm.get();
  options.corpus_dir = args.get("corpora-dir");
  options.out_dir = args.get("out");
  options.resume = args.flag_set("resume");
  if (args.has("threads")) options.threads = static_cast<int>(args.get_int("threads"));
  if (!options.resume && trainer::latest_checkpoint((std::filesystem::path(options.out_dir) / "checkpoints").string()))
    throw UsageError(fmt::format("train: {} already holds checkpoints; add --resume to continue that run, or choose "
                                 "another --out",
                                 options.out_dir));

  const bool evaluate = !config.eval_suite.empty() && !args.flag_set("no-eval");
  const std::string data_dir = args.get("data-dir");
  const std::string threads = args.get_or("threads", "");
  const std::string name = config.name;
  const std::string suite = config.eval_suite;
  const std::int64_t eval_every = config.eval_every;
  std::string last;
  try {
    trainer::Pretrainer pretrainer(std::move(config), options);
    last = pretrainer.run([&](const trainer::CheckpointEvent& e) {
      std::cerr << fmt::format("checkpoint {} (step {}/{}, {} tokens)\n", e.dir, e.step, e.total_steps, e.tokens);
      if (!evaluate || (e.step % eval_every != 0 && !e.final)) return;
      std::vector<std::string> eval_args = {"--model",      e.dir,      "--model-name", name,
                                            "--step",       std::to_string(e.step),
                                            "--suite",      suite,      "--work-dir",   options.out_dir,
                                            "--data-dir",   options.out_dir + "," + data_dir,   "--quiet"};
      if (!threads.empty()) eval_args.insert(eval_args.end(), {"--threads", threads});
      eval_command(eval_args);
    });
  } catch (const std::exception& e) {
    // Under mpirun the other ranks would wait for this one forever: end the whole job.
    if (comm->size() > 1) {
      std::fprintf(stderr, "error: rank %d: %s\n", comm->rank(), e.what());
      comm->abort(2);
    }
    throw;
  }
  if (comm->rank() == 0) std::cout << fmt::format("trained: {}\nlog:     {}/train_log.jsonl\n", last, options.out_dir);
  return 0;
}

}  // namespace sextant::harness
