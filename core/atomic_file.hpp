// Writing a file so that readers see either the old content or the complete new one.
#pragma once

#include <string>
#include <string_view>

namespace sextant {

// Writes `content` to `path` through a temporary file in the same folder, synced and
// renamed over the target, so a crash never leaves a half-written file behind.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace sextant
