// A training checkpoint folder: the model in Hugging Face layout plus what resuming needs.
//
//   step-000200/config.json, model.safetensors, tokenizer.json   the model, as the runtime loads it
//   step-000200/optimizer.safetensors                             AdamW's moments (m.NAME, v.NAME)
//   step-000200/trainer_state.json                                step, data positions, loss statistics,
//                                                                 "final": true in the run's last checkpoint
//
// A checkpoint is written into a temporary folder, every file synced, then renamed into
// place, so a crash at any moment leaves the previous checkpoints intact and never a
// half-written one under a step name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/model/model_config.hpp"
#include "trainer/checkpoint/hf_checkpoint.hpp"
#include "trainer/model/parameters.hpp"

namespace sextant::trainer {

struct StreamPosition {
  std::string source;
  std::int64_t position = 0, epoch = 0;
  std::int64_t size = -1;  // the stream's tokens: a resume over other data is refused
};

struct TrainerState {
  std::int64_t step = 0;     // training steps done
  std::int64_t updates = 0;  // AdamW updates applied (steps minus skipped ones), its bias correction count
  std::vector<StreamPosition> streams;
  double loss_mean = 0.0;  // running mean of the loss, for spike detection
  std::int64_t loss_count = 0;
  std::int64_t skipped_steps = 0;
  std::string config_fingerprint;  // a resumed run must have the same config
  std::string config_name;         // the train config's name, for the evaluations of the checkpoint
  bool final = false;              // the run's last step: `sextant eval --watch` stops after this one ("final": true)
};

struct CheckpointContents {
  const runtime::ModelConfig* config;
  SpecialTokenIds ids;
  const Parameters* params;
  const std::vector<float>* adam_m;
  const std::vector<float>* adam_v;
  TrainerState state;
  std::string tokenizer_json_path;
};

// The folder name of a step: "step-000200".
std::string checkpoint_name(std::int64_t step);

// Writes `contents` as folder `dir`/checkpoint_name(step) (atomically, see above) and returns its path.
std::string write_checkpoint(const std::string& dir, const CheckpointContents& contents);

// The newest complete checkpoint under dir, if any.
std::optional<std::string> latest_checkpoint(const std::string& dir);

// A complete checkpoint folder (its trainer_state.json written) as a watcher sees it.
struct CheckpointEntry {
  std::string dir;
  std::int64_t step = 0;
  bool final = false;
  std::string config_name;  // empty in checkpoints of runs from before it was written
};

// The complete checkpoints under dir, in step order (none when dir does not exist yet).
std::vector<CheckpointEntry> complete_checkpoints(const std::string& dir);

// A checkpoint's trainer_state.json; errors name the file.
TrainerState read_trainer_state(const std::string& checkpoint_dir);

// Reads a checkpoint into params, the moments and the state; errors name the file.
TrainerState read_checkpoint(const std::string& checkpoint_dir, Parameters& params, std::vector<float>& adam_m,
                             std::vector<float>& adam_v);

}  // namespace sextant::trainer
