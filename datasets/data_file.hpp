// Reading a benchmark file whole, gzip-compressed (".gz", as HumanEval ships) or not.
#pragma once

#include <string>

namespace sextant::datasets {

// The file's bytes, decompressed when it is gzip; throws naming the file when unreadable.
std::string read_data_file(const std::string& path);

}  // namespace sextant::datasets
