// The work directories a command reads stores from: --work-dir D, or --work-dirs D1,D2.
#pragma once

#include <string>
#include <vector>

#include "harness/cli/arguments.hpp"

namespace sextant::harness {

// Where `sextant eval` puts its store unless told otherwise.
inline constexpr const char* kDefaultWorkDir = "sextant-work";

// `verb` says what the command does with the stores ("read", "serve").
void add_work_dirs_options(Arguments& args, const std::string& verb);
// The directories named, each once (a store named twice would count its runs twice); the
// default when none is.
std::vector<std::string> work_dirs_of(const Arguments& args);

}  // namespace sextant::harness
