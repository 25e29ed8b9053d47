// Reading --work-dir and --work-dirs.
#include "harness/cli/work_dirs.hpp"

#include <algorithm>
#include <filesystem>

namespace sextant::harness {

void add_work_dirs_options(Arguments& args, const std::string& verb) {
  args.option("work-dir", "DIR",
              "the work directory whose store (DIR/sextant.db) to " + verb +
                  " (default: sextant-work, as for eval, when --work-dirs is not given either)")
      .option("work-dirs", "LIST", "several work directories, comma-separated, taken together");
}

std::vector<std::string> work_dirs_of(const Arguments& args) {
  std::vector<std::string> named;
  if (args.has("work-dir")) named.push_back(args.get("work-dir"));
  if (args.has("work-dirs"))
    for (const auto& d : split_list(args.get("work-dirs"))) named.push_back(d);
  if (named.empty()) named.push_back(kDefaultWorkDir);
  std::vector<std::string> dirs;
  std::vector<std::filesystem::path> seen;
  for (const auto& d : named) {
    const auto canonical = std::filesystem::weakly_canonical(d);
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    dirs.push_back(d);
  }
  return dirs;
}

}  // namespace sextant::harness
