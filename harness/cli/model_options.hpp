// The options every model-running subcommand shares (--model, --threads) and the engine they make.
#pragma once

#include <memory>

#include "harness/cli/arguments.hpp"
#include "runtime/engine/engine.hpp"

namespace sextant::harness {

void add_model_options(Arguments& args);

struct LoadedModel {
  std::unique_ptr<runtime::Model> model;
  std::unique_ptr<runtime::Engine> engine;
};

// Loads --model and starts an engine with --threads.
LoadedModel load_model(const Arguments& args);

}  // namespace sextant::harness
