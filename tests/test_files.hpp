// Small file helpers shared by the tests: read a whole file, write a temporary one.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace sextant::testing {

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes `bytes` to a file of that name in the temp directory and returns its path.
inline std::string write_temp(const std::string& name, const std::string& bytes) {
  const auto path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

}  // namespace sextant::testing
