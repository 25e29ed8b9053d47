// `sextant logits`: the next-token logits at every position of a token sequence, for checks against other runtimes.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "runtime/compat/llamacpp_forward.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/model/transformer.hpp"

namespace sextant::harness {

namespace {

// A float32 array in NumPy's .npy format (version 1.0), readable by numpy.load.
void write_npy(const std::string& path, const std::vector<float>& data, std::int64_t rows, std::int64_t cols) {
  std::string header = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {}), }}", rows, cols);
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(fmt::format("{}: cannot create", path));
  out.write("\x93NUMPY\x01\x00", 8);
  const std::uint16_t len = static_cast<std::uint16_t>(header.size());
  out.write(reinterpret_cast<const char*>(&len), 2);
  out << header;
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(float)));
  if (!out) throw Error(fmt::format("{}: write failed", path));
}

}  // namespace

int logits_command(const std::vector<std::string>& argv) {
  Arguments args(
      "logits",
      "Runs token ids read from stdin (separated by spaces) through the model in one sequence and writes the "
      "logits of every position to a .npy file of shape (tokens, vocab).");
  args.option("model", "FILE", "model file (.gguf)")
      .option("out", "FILE", "where to write the logits (.npy)")
      .option("threads", "N", "threads to use (default: all cores)")
      .option("batch", "N", "tokens per forward pass (llama.cpp numerics: always one pass)", "512")
      .option("numerics", "NAME",
              "sextant (the runtime's own kernels) or llama.cpp (llama.cpp's CPU rounding order, step for step: "
              "its logits to the bit, for llama, qwen2 and internlm2 GGUF files with Q4_1, Q8_0, F16 or F32 weights; "
              "one pass, "
              "scalar, slow)",
              "sextant")
      .option("dump-dir", "DIR",
              "with --numerics llama.cpp: also write every intermediate tensor as DIR/NAME-LAYER.npy (llama.cpp's "
              "tensor names; scripts/check/layers_vs_llamacpp.py compares them with llama.cpp's own)");
  if (!args.parse(argv)) return 0;
  const std::string numerics = args.get("numerics");
  if (numerics != "sextant" && numerics != "llama.cpp")
    throw UsageError(fmt::format("logits: --numerics must be sextant or llama.cpp, not '{}'", numerics));
  if (args.has("dump-dir") && numerics != "llama.cpp")
    throw UsageError("logits: --dump-dir needs --numerics llama.cpp");
  const auto model = runtime::Model::load(args.get("model"));
  std::vector<runtime::TokenId> ids;
  {
    const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    std::istringstream in(text);
    long long v;
    while (in >> v) ids.push_back(static_cast<runtime::TokenId>(v));
    if (!in.eof()) throw UsageError("logits: stdin must hold token ids separated by spaces");
  }
  if (ids.empty()) throw UsageError("logits: no token ids on stdin");
  runtime::ThreadPool pool(args.has("threads") ? static_cast<int>(args.get_int("threads"))
                                               : runtime::default_thread_count());
  const auto& c = model->config();
  std::vector<float> all, logits;
  if (numerics == "llama.cpp") {
    runtime::ForwardProbe dump;
    if (args.has("dump-dir")) {
      const std::string dir = args.get("dump-dir");
      std::filesystem::create_directories(dir);
      dump = [dir, &ids](const std::string& name, std::int64_t layer, const float* data, std::int64_t count) {
        const std::string file =
            layer >= 0 ? fmt::format("{}/{}-{}.npy", dir, name, layer) : fmt::format("{}/{}.npy", dir, name);
        write_npy(file, std::vector<float>(data, data + count), static_cast<std::int64_t>(ids.size()),
                  count / static_cast<std::int64_t>(ids.size()));
      };
    }
    runtime::llamacpp_forward(*model, ids, all, pool, dump);
    write_npy(args.get("out"), all, static_cast<std::int64_t>(ids.size()), c.n_vocab);
    std::cerr << fmt::format("wrote {} x {} logits to {} (llama.cpp's arithmetic)\n", ids.size(), c.n_vocab,
                             args.get("out"));
    return 0;
  }
  runtime::KvCache cache(c);
  const std::size_t step = static_cast<std::size_t>(args.get_int("batch"));
  for (std::size_t start = 0; start < ids.size(); start += step) {
    runtime::ForwardBatch batch;
    for (std::size_t i = start; i < std::min(ids.size(), start + step); ++i)
      batch.add(ids[i], static_cast<std::int32_t>(i), &cache, true);
    runtime::forward(*model, batch, logits, pool);
    all.insert(all.end(), logits.begin(), logits.end());
  }
  write_npy(args.get("out"), all, static_cast<std::int64_t>(ids.size()), c.n_vocab);
  std::cerr << fmt::format("wrote {} x {} logits to {}\n", ids.size(), c.n_vocab, args.get("out"));
  return 0;
}

}  // namespace sextant::harness
