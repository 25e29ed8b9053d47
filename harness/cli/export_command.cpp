// `sextant export`: a Hugging Face llama checkpoint folder as one GGUF file for sextant and llama.cpp.
#include <fmt/format.h>

#include <iostream>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "trainer/checkpoint/gguf_export.hpp"

namespace sextant::harness {

int export_command(const std::vector<std::string>& argv) {
  Arguments args("export",
                 "Writes a checkpoint folder (config.json of a LlamaForCausalLM, model.safetensors, a byte-level BPE "
                 "tokenizer.json; what `sextant train` writes) as a GGUF v3 file that sextant and llama.cpp load: "
                 "llama hyperparameters, the tokenizer, and the weights in llama.cpp's names with Q and K permuted "
                 "for its RoPE.");
  args.option("checkpoint", "DIR", "the checkpoint folder (e.g. runs/tiny/checkpoints/step-000880)")
      .option("out", "FILE", "the GGUF file to write (.gguf)")
      .option("type", "TYPE",
              "f32, f16 or q8_0: the type of the 2-D weights (norms stay f32; q8_0 matrices whose rows are not "
              "whole blocks of 32 are written f16, as llama.cpp's converter does)",
              "f32");
  if (!args.parse(argv)) return 0;
  if (!args.positional().empty())
    throw UsageError(fmt::format("export: unexpected argument '{}' (see sextant export --help)", args.positional()[0]));
  if (!args.has("checkpoint")) throw UsageError("export: --checkpoint DIR is required");
  if (!args.has("out")) throw UsageError("export: --out FILE.gguf is required");
  trainer::GgufExportType type;
  try {
    type = trainer::gguf_export_type_from_name(args.get("type"));
  } catch (const Error& e) {
    throw UsageError(fmt::format("export: --type: {}", e.what()));
  }

  const trainer::GgufExportSummary s = trainer::export_gguf(args.get("checkpoint"), args.get("out"), type);
  std::string types = fmt::format("{} f32", s.f32_tensors);
  if (s.f16_tensors) types += fmt::format(", {} f16", s.f16_tensors);
  if (s.q8_0_tensors) types += fmt::format(", {} q8_0", s.q8_0_tensors);
  std::cerr << fmt::format("wrote {} ({} tensors: {}; {:.1f} MiB)\n", args.get("out"), s.tensors, types,
                           static_cast<double>(s.file_bytes) / (1024.0 * 1024.0));
  if (s.q8_0_fallbacks)
    std::cerr << fmt::format("{} matrices have rows that are not whole blocks of 32 and were written f16\n",
                             s.q8_0_fallbacks);
  return 0;
}

}  // namespace sextant::harness
