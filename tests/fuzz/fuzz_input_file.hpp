// The parsers read files: each fuzz input is written to one per-process temporary file.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace sextant::testing {

// The path holding exactly `data`, or an empty string when it cannot be written.
inline std::string write_fuzz_input(const std::uint8_t* data, std::size_t size, const char* tag) {
  static const std::string path = std::string("/tmp/sextant_") + tag + "_fuzz." + std::to_string(::getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return {};
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  return path;
}

}  // namespace sextant::testing
