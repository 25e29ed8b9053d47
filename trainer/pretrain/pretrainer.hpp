// The pretraining loop: stages of mixtures, accumulation, AdamW, checkpoints, resume and stability.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/model/model_config.hpp"
#include "trainer/dist/communicator.hpp"
#include "trainer/pretrain/pretrain_config.hpp"

namespace sextant::trainer {

struct PretrainOptions {
  std::string corpus_dir;  // the sources' files are relative to it
  std::string out_dir;     // checkpoints/, heldout/, train_log.jsonl
  int threads = 0;         // 0: all cores
  bool resume = false;     // continue from the newest checkpoint in out_dir
  std::int64_t stop_after_step = -1;  // end after this step, as if killed (tests)
  bool quiet = false;
  // The ranks of a data-parallel run (null: this process alone). Each rank runs the
  // micro-batches r, r + N, ... of a step; gradients are summed over ranks and each rank
  // updates its shard of the parameters (ZeRO-1). Only rank 0 writes files.
  Communicator* comm = nullptr;
};

// After a checkpoint is on disk: the hook the CLI wires to an evaluation.
struct CheckpointEvent {
  std::int64_t step = 0, total_steps = 0;
  std::string dir;
  std::string stage;
  std::int64_t tokens = 0;  // trained on so far
  bool final = false;
};

// The model shape a config gives, with the tokenizer's vocabulary.
runtime::ModelConfig model_config_of(const PretrainConfig& config, std::int64_t vocab_size);

class Pretrainer {
 public:
  Pretrainer(PretrainConfig config, PretrainOptions options);
  ~Pretrainer();

  // Trains to the end of the last stage; returns the last step's checkpoint folder.
  std::string run(const std::function<void(const CheckpointEvent&)>& on_checkpoint = {});

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace sextant::trainer
