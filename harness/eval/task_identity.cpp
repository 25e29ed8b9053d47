// Hashing models, data files and task definitions.
#include "harness/eval/task_identity.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "runtime/numerics_version.hpp"

namespace sextant::harness {

namespace fs = std::filesystem;

namespace {

void add_file_ends(ContentHash& h, const fs::path& p) {
  constexpr std::size_t kEdge = 1 << 20;
  const auto size = fs::file_size(p);
  h.add(std::to_string(size));
  std::ifstream in(p, std::ios::binary);
  if (!in) fail("{}: cannot open", p.string());
  std::vector<char> buf(kEdge);
  in.read(buf.data(), static_cast<std::streamsize>(std::min<std::uintmax_t>(kEdge, size)));
  h.add(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
  if (size > kEdge) {
    in.clear();
    in.seekg(static_cast<std::streamoff>(size - std::min<std::uintmax_t>(kEdge, size - kEdge)));
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.add(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
  }
}

std::vector<fs::path> sorted_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::string model_identity(const std::string& path) {
  ContentHash h;
  if (fs::is_directory(path)) {
    for (const auto& f : sorted_files(path)) {
      h.add(f.filename().string());
      if (f.extension() == ".json")
        h.add_file(f.string());
      else
        add_file_ends(h, f);
    }
  } else {
    add_file_ends(h, path);
  }
  return h.hex();
}

std::string data_identity(const std::string& path) {
  ContentHash h;
  if (fs::is_directory(path)) {
    for (const auto& f : sorted_files(path)) h.add(f.filename().string()).add_file(f.string());
  } else {
    h.add_file(path);
  }
  return h.hex();
}

std::string task_hash(const std::string& model_id, const std::string& dataset, const std::string& mode_config_json,
                      const std::string& data_id, bool chat) {
  return ContentHash()
      .add(model_id)
      .add("|")
      .add(config_version(dataset, mode_config_json, chat))
      .add("|")
      .add(data_id)
      .add("|")
      .add(runtime::kNumericsVersion)
      .hex();
}

std::string config_version(const std::string& dataset, const std::string& mode_config_json, bool chat) {
  return ContentHash()
      .add(dataset)
      .add("|")
      .add(mode_config_json)
      .add(chat ? "|chat|" : "|plain|")
      .add(kMetricVersion)
      .hex()
      .substr(0, 6);
}

}  // namespace sextant::harness
