// `sextant ls datasets|suites|models`: what can be named on the command line.
#include <fmt/format.h>

#include <iostream>

#include "core/error.hpp"
#include "harness/cli/arguments.hpp"
#include "harness/cli/commands.hpp"
#include "harness/config/config_catalog.hpp"

namespace sextant::harness {

int ls_command(const std::vector<std::string>& argv) {
  Arguments args("ls", "Lists the configured datasets (with dimension and modes), suites or models.");
  args.option("configs", "DIR", "config folder (default: ./configs, else $SEXTANT_CONFIG_DIR, else the source tree's)");
  if (!args.parse(argv)) return 0;
  if (args.positional().size() != 1) throw UsageError("ls: say what to list: datasets, suites or models");
  const ConfigCatalog catalog(args.get_or("configs", ""));
  const std::string what = args.positional()[0];
  if (what == "datasets") {
    std::cout << fmt::format("{:<20} {:<14} {:<28} {}\n", "dataset", "dimension", "modes (default first)",
                             "description");
    for (const auto& name : catalog.dataset_names()) {
      const DatasetConfig d = catalog.dataset(name);
      std::string modes;
      for (const auto& m : d.default_modes) modes += (modes.empty() ? "" : ",") + m;
      for (const auto& [m, mode] : d.modes)
        if (std::find(d.default_modes.begin(), d.default_modes.end(), m) == d.default_modes.end()) modes += "," + m;
      std::cout << fmt::format("{:<20} {:<14} {:<28} {}\n", name, d.dimension, modes, d.description);
    }
  } else if (what == "suites") {
    for (const auto& name : catalog.suite_names()) {
      const SuiteConfig s = catalog.suite(name);
      std::cout << fmt::format("{:<12} {} task(s)  {}\n", name, s.tasks.size(), s.description);
    }
  } else if (what == "models") {
    for (const auto& name : catalog.model_names()) {
      const std::string path = catalog.dir() + "/models/" + name + ".json";
      try {
        const ModelConfig m = load_model_config(path);
        std::cout << fmt::format("{:<28} {:<5} {}\n", name, m.chat ? "chat" : "base", m.path);
      } catch (const Error& e) {
        std::cout << fmt::format("{:<28} (not available: {})\n", name, e.what());
      }
    }
  } else {
    throw UsageError(fmt::format("ls: unknown list \"{}\" (datasets, suites or models)", what));
  }
  return 0;
}

}  // namespace sextant::harness
