// A pretraining run as configured in configs/train/*.json: model shape, sources, stages, cadence.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trainer/model/llama_layers.hpp"
#include "trainer/optim/adamw.hpp"

namespace sextant::trainer {

// Where a source's documents come from: files (globs relative to the corpus directory) in one
// of the formats text ("paragraphs": blank-line separated; "lines": one per line; "file": a
// document per file; "fortune": fortune(6) cookies, ended by a line "%", strfile's .dat
// indexes and Debian's .u8 links skipped), "jsonl" with the document in `field`, or "shards":
// token shards that `sextant data prepare` wrote (OUT/shards/NAME-NNNNN.bin), whose ids go to
// training as they are (the config's tokenizer must then be that run's tokenizer.json).
struct SourceConfig {
  std::string name;
  std::vector<std::string> files;
  std::string format = "paragraphs";
  std::string field = "text";
  double held_out = 0.01;        // this share of documents (every 1/share-th one) is kept out for perplexity,
  std::int64_t held_out_bytes = 65536;  // up to this much text, so that scoring a checkpoint stays quick
  std::int64_t min_chars = 1;    // shorter documents are dropped
};

// Whether `format` is one of the formats above.
bool is_source_format(const std::string& format);

struct StageConfig {
  std::string name;
  std::int64_t tokens = 0;  // the stage's budget; it runs ceil(tokens / tokens per step) steps
  double lr = 1e-3;         // peak learning rate of the stage's warm-up + cosine
  std::map<std::string, double> mixture;  // source -> share of sequences (normalised)
};

struct ModelShape {
  std::int64_t hidden = 128, layers = 2, heads = 4, kv_heads = 2, ffn = 384;
  double rope_theta = 10000.0;
  double rms_eps = 1e-5;
  double init_std = 0.02;
};

struct PretrainConfig {
  std::string path;  // the file it came from, for messages
  std::string name;
  std::uint64_t seed = 1;
  // A tokenizer.json (relative to the config file, or absolute); or, when empty, one the run
  // trains on its sources' training documents (byte-level BPE) and keeps as OUT/tokenizer.json.
  std::string tokenizer;
  std::int64_t tokenizer_vocab = 4096;
  std::vector<std::string> special_tokens{"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
  ModelShape model;
  // Of the linear layers' products: "bf16" rounds their operands to bfloat16 (float sums;
  // weights, gradients, attention and optimizer stay float); "fp32" (the default) keeps them float.
  MatmulPrecision precision = MatmulPrecision::fp32;
  std::int64_t seq_len = 256, micro_batch = 8, accumulation = 1;
  AdamWSettings adamw;
  double clip = 1.0;
  double warmup_fraction = 0.025, final_lr_fraction = 0.1;
  double spike_factor = 0.0;  // > 0: a loss above factor x its running mean rolls back
  std::vector<SourceConfig> sources;
  std::vector<StageConfig> stages;
  std::int64_t checkpoint_every = 0;  // steps; 0 = only at the end
  std::int64_t keep_checkpoints = 0;  // 0 = keep all
  std::string eval_suite;             // what the checkpoint hook evaluates, if anything
  std::int64_t eval_every = 0;        // in steps, a multiple of checkpoint_every

  std::int64_t tokens_per_step() const { return seq_len * micro_batch * accumulation; }
  std::int64_t stage_steps(const StageConfig& s) const;
  std::int64_t total_steps() const;
};

// Reads and validates the file; errors name the file and the field.
PretrainConfig read_pretrain_config(const std::string& path);

}  // namespace sextant::trainer
