// Loading the model and engine named on the command line.
#include "harness/cli/model_options.hpp"

namespace sextant::harness {

void add_model_options(Arguments& args) {
  args.option("model", "PATH", "model file (.gguf) or Hugging Face folder")
      .option("threads", "N", "threads to use (default: all cores)");
}

LoadedModel load_model(const Arguments& args) {
  LoadedModel loaded;
  loaded.model = runtime::Model::load(args.get("model"));
  runtime::EngineOptions options;
  if (args.has("threads")) options.threads = static_cast<int>(args.get_int("threads"));
  loaded.engine = std::make_unique<runtime::Engine>(*loaded.model, options);
  return loaded;
}

}  // namespace sextant::harness
